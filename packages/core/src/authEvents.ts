import type { AuthError } from './authError'
import type { SignOutReason } from './authState'

/**
 * The events of {@link AuthClient.on} and what each listener receives. They tell what happened and
 * why, for logs and timelines; `getState()`/`subscribe` remain the way to render the session.
 *
 * - `signedIn`: a session began in this tab (sign-in, restored on load, or signed in by another tab).
 * - `tokenRefreshed`: new tokens, obtained by the refresh timer (`scheduled`), by a call that needed one
 *   (`demand`), or by another tab (`otherTab`, read from storage without a request).
 * - `sessionExpired`: the server ended the session (`invalid_grant`) or it ran out with nothing to renew
 *   it; followed by `signedOut` with `reason: 'session_expired'`.
 * - `signedOut`: the session ended here, with why (`signOut()` in any tab, expiry, a failed callback).
 * - `storageFallback`: the storage failed (IndexedDB blocked, quota, private mode); this page now keeps
 *   the session in memory only. Emitted once.
 * - `error`: something failed. `willRetry` is true for a request attempt that is retried at once (a
 *   503, a timeout, ...), false for the failure the caller gets (never for `login_required`, which
 *   only says there is no session).
 */
export interface AuthEvents {
  signedIn: {}
  tokenRefreshed: { expiresAt: number; source: 'scheduled' | 'demand' | 'otherTab' }
  sessionExpired: { error: AuthError }
  signedOut: { reason: SignOutReason }
  storageFallback: { error: unknown }
  error: { error: AuthError; willRetry: boolean }
}
