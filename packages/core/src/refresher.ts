import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { ClientParts } from './internals'
import { isOffline } from './retryFetch'
import type { Session } from './session'
import type { Source } from './sessionStore'

/**
 * Hands out access tokens, renewing the session when needed: one refresh at a time in this tab
 * (callers share it), one at a time across tabs (under the lock, after re-reading storage, so a
 * token another tab obtained meanwhile is used without a request), and a refresh whose session left
 * (signed out, or another sign-in) stopped at once.
 */
export function createRefresher({ sessions, store, expiry, exchange, client }: ClientParts) {
  const { fresh } = expiry
  let refreshing: Promise<Session> | undefined

  /** Renews the session; concurrent callers in this tab share one refresh. */
  const refresh = (ms: number | undefined, source: Source) =>
    (refreshing ??= refreshSession(ms, source).finally(() => {
      refreshing = undefined
    }))

  const refreshSession = async (ms: number | undefined, source: Source): Promise<Session> => {
    // The session the outcome applies to: the one in hand, or the one another tab stored meanwhile.
    let current = sessions.current()
    let rotated: Session | undefined
    let ended = false
    try {
      if (!current?.refreshToken) throw new AuthError('login_required')
      if (isOffline()) throw new AuthError('network')
      return await sessions.locked(async () => {
        // The previous holder may have refreshed (or ended) the session: storage has the truth.
        const stored = await sessions.readSession()
        const held = sessions.current()
        // A refresh token rotated by another tab (a token for another API) counts as a change too.
        if (held && (stored?.accessToken !== held.accessToken || stored.refreshToken !== held.refreshToken)) {
          if (!stored) {
            sessions.apply(undefined, { type: 'signedOut', reason: 'session_expired' })
            throw new AuthError('login_required')
          }
          sessions.adopt(stored, 'otherTab')
        }
        // Another tab renewed the session meanwhile (found here, or told over the channel): no request.
        const now = sessions.current()
        if (now !== current && fresh(now, ms)) return now
        current = now
        if (!current?.refreshToken) throw new AuthError('login_required')
        const previous = current
        const sent = current.refreshToken
        try {
          const next = await exchange({
            send: (as, options) => oauth.refreshTokenGrantRequest(as, client, oauth.None(), sent, options),
            process: oauth.processRefreshTokenResponse,
            previous,
            // After a lost response, a retry would present a spent token if another tab rotated it already.
            beforeRetry: async () => !(rotated = await sessions.readSession().then((s) => (s && s.refreshToken !== sent ? s : undefined))),
            signal: sessions.renewal.begin(previous.id),
          })
          return await sessions.replace(previous, next, source)
        } catch (error) {
          if (!rotated || sessions.current() !== current) throw await end(error)
          sessions.adopt(rotated, 'otherTab')
          return rotated
        }
      })
    } catch (cause) {
      const error = await end(cause)
      // Signed out meanwhile (here or in another tab), or another sign-in took its place: the
      // refresh's failure is no news, and the session in hand (if any) is the answer.
      const held = sessions.current()
      if (!ended && (!held || held.id !== current?.id)) {
        if (held) return held
        throw new AuthError('login_required')
      }
      return store.fail(error)
    } finally {
      sessions.renewal.end()
    }

    /**
     * Ends the session when the server ended it, or when it ran out with nothing to renew it. Under
     * the lock, this happens before the next tab holds it: that tab then finds no session and sends nothing.
     */
    async function end(cause: unknown): Promise<AuthError> {
      const error = toAuthError(cause)
      if (current && sessions.current() === current && (error.code === 'invalid_grant' || (!current.refreshToken && !fresh(current, 0)))) {
        ended = true
        store.emit('sessionExpired', { error })
        await sessions.signedOut('session_expired', current, error)
      }
      return error
    }
  }

  /** A valid access token: from memory when fresh (no storage read, no await: the hot path), else refreshed. */
  const token = async (minValidity: number | undefined, forceRefresh: boolean | undefined, source: Source) => {
    const ms = minValidity === undefined ? undefined : minValidity * 1000
    let session = sessions.current()
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    await sessions.start()
    session = sessions.current()
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    // A token that cannot be renewed is still worth using while it lasts.
    if (!session?.refreshToken && fresh(session, 0)) return session.accessToken
    try {
      return (await refresh(ms, source)).accessToken
    } catch (error) {
      // A refresh that failed for now does not take away a token that still works.
      session = sessions.current()
      if ((error as AuthError).retryable && !forceRefresh && fresh(session, 0)) return session.accessToken
      throw error
    }
  }

  return token
}
