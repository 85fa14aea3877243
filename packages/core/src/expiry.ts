import type { Session } from './session'

/** When a session's access token counts as fresh, on the client's clock and leeway. */
export function createExpiry(now: () => number, leewayMs: number) {
  /**
   * How long before expiry a token is renewed: the leeway, but at most half the token's lifetime, so
   * that a token living shorter than the leeway is not renewed at once, and again, and again. One
   * that cannot be renewed is used until it expires, when the timer ends the session.
   */
  const margin = (s: Session) => (s.refreshToken ? Math.min(leewayMs, (s.lifetime ?? 2 * leewayMs) / 2) : 0)
  /** True when `s` stays valid for more than `ms` (by default its renewal margin). */
  const fresh = (s: Session | undefined, ms?: number): s is Session => !!s && s.expiresAt - now() > (ms ?? margin(s))
  return { margin, fresh, now }
}

export type Expiry = ReturnType<typeof createExpiry>
