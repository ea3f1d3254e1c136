// Roles Foundation gives members itself. A member's roles are part of what it signs about itself, so no other member
// can add one to it or take one away; users' roles may not begin with "$", which keeps these apart from theirs.

/** A member in a browser tab: it cannot be dialled, and placement puts distributed actors on it only when asked. */
export const BROWSER_ROLE = '$browser'

export function isReservedRole (role: string): boolean {
  return role.startsWith('$')
}
