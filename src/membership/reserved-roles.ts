// Roles Foundation gives members itself. A member's roles are part of what it signs about itself, so no other member
// can add one to it or take one away; users' roles may not begin with "$", which keeps these apart from theirs.

/** A member in a browser tab: it cannot be dialled, and placement puts distributed actors on it only when asked. */
export const BROWSER_ROLE = '$browser'

export function isReservedRole (role: string): boolean {
  return role.startsWith('$')
}

/**
 * Whether a member is a browser tab: nobody can dial it, so it never serves others (a name home, a client-server
 * server, an indirect prober) and is never dialled; it reaches the members itself.
 */
export function isBrowser (member: { readonly roles: readonly string[] }): boolean {
  return member.roles.includes(BROWSER_ROLE)
}
