// How the EC2 API and its SDK fail, as the discovery errors the node sees.
import { DiscoveryError, DiscoveryForbiddenError, DiscoveryResponseError, DiscoveryUnreachableError } from '../errors.ts'

const REFUSALS = new Set(['UnauthorizedOperation', 'AuthFailure', 'Blocked', 'OptInRequired', 'PendingVerification', 'SignatureDoesNotMatch', 'InvalidClientTokenId', 'ExpiredToken', 'RequestExpired'])
const THROTTLES = new Set(['RequestLimitExceeded', 'Throttling', 'ThrottlingException'])

/** A failed DescribeInstances call (`err` from `@aws-sdk/client-ec2`) against `where` (region or endpoint). */
export function ec2Error (err: any, where: string): DiscoveryError {
  if (err instanceof DiscoveryError) { return err }
  const code: string = err?.name ?? 'Error'
  const reason = `${code}: ${err?.message ?? String(err)}`
  const status: number | undefined = err?.$metadata?.httpStatusCode
  if (code === 'CredentialsProviderError') {
    return new DiscoveryForbiddenError('aws', `no AWS credentials (${err?.message}): give the instance an IAM role, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: err })
  }
  if (/region is missing/i.test(err?.message ?? '')) {
    return new DiscoveryError('aws', 'no AWS region: set region, or AWS_REGION', { cause: err })
  }
  if (status === 401 || status === 403 || REFUSALS.has(code)) {
    return new DiscoveryForbiddenError('aws', `EC2 refused DescribeInstances (${reason}): the instance's IAM policy needs ec2:DescribeInstances`, { cause: err })
  }
  if (THROTTLES.has(code)) {
    return new DiscoveryResponseError('aws', `EC2 throttled DescribeInstances (${reason}): retrying with backoff; poll less often if this persists`, { cause: err })
  }
  if (status != null) {
    return new DiscoveryResponseError('aws', `EC2 answered DescribeInstances with HTTP ${status} (${reason})`, { cause: err })
  }
  if (code === 'AbortError' || code === 'TimeoutError') {
    return new DiscoveryUnreachableError('aws', `EC2 at ${where} did not answer DescribeInstances in time`, { cause: err })
  }
  return new DiscoveryUnreachableError('aws', `could not reach EC2 at ${where} (${reason})`, { cause: err })
}
