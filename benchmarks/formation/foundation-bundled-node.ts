// Formation node running Foundation with zero configuration, loaded from a one-file bundle of the library (made by
// the suite with scripts/bundle.ts, as `foundation dev` does for its nodes): what bundling buys at start-up.
import { formationEnv, report, reportWhenFull } from './child.ts'

const bundlePath = process.env.BENCH_FORMATION_BUNDLE
if (bundlePath == null) { throw new Error('run by the formation suite: BENCH_FORMATION_BUNDLE must be set') }
const { Foundation } = await import(bundlePath) as typeof import('../../src/index.ts')

const env = formationEnv()
const node = await Foundation.start({ clusterName: env.cluster })
report('started')
reportWhenFull(env, () => node.info().nodes)
