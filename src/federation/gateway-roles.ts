// The reserved role a gateway's node carries in each cluster: `$gateway:<other cluster>` for every other cluster its
// process holds. Roles are signed into membership, so every member learns the gateways from the members it knows.

const GATEWAY_ROLE_PREFIX = '$gateway:'

/** The role of a member that forwards to `cluster`. */
export function gatewayRole (cluster: string): string {
  return `${GATEWAY_ROLE_PREFIX}${cluster}`
}

/** The cluster a role forwards to, or undefined for any other role. */
export function gatewayTarget (role: string): string | undefined {
  return role.startsWith(GATEWAY_ROLE_PREFIX) ? role.slice(GATEWAY_ROLE_PREFIX.length) : undefined
}

/** The roles of a gateway's node in `cluster`: one per other cluster of its process. */
export function gatewayRolesIn (cluster: string, clusters: readonly string[]): string[] {
  return clusters.filter(other => other !== cluster).map(gatewayRole)
}
