import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import { bearerFetch } from './bearerFetch'
import { partsOf } from './internals'
import type { Session } from './session'
import { decodeJwt } from './session'
import type { AuthClient, GetAccessTokenOptions } from './types'

/** Options of {@link forResource}. */
export interface ResourceOptions {
  /** The scope to ask for with the API's token; default: what the server gives for the resource. */
  scope?: string
}

/** A handle on one API's token (RFC 8707): the same contracts as the client's own methods. */
export type ResourceClient = Pick<AuthClient, 'getAccessToken' | 'getAuthorizationHeaders' | 'fetch'>

/** The audiences a JWT names (`aud`), or none for an opaque token, which says nothing. */
const audiences = (token: string): string[] | undefined => {
  const aud = decodeJwt(token)?.aud
  return aud ? [aud].flat() : undefined
}

/**
 * A token for one API, `resource` (RFC 8707), obtained with the session's refresh token: a refresh
 * grant carrying `resource=`, under the lock every refresh takes (so no two requests ever spend one
 * refresh token, and a rotated one is stored with the session before anyone uses it). The token is
 * kept with the session, by resource and scope, encrypted like it: it follows the session to the other
 * tabs and across reloads and through its refreshes, and goes with it at sign-out or when the session
 * ends. A JWT whose `aud` does not name `resource` is
 * refused (`invalid_response`); a server that does not serve it answers `invalid_target` (`oauth_error`
 * naming the resource). Rejects otherwise as `auth.getAccessToken` does.
 *
 * @example
 * ```ts
 * import { forResource } from '@pkce-auth/core/resources'
 * const billing = forResource(auth, 'https://billing.example.com')
 * const invoices = await billing.fetch('https://billing.example.com/invoices')
 * ```
 */
export function forResource(auth: AuthClient, resource: string, { scope }: ResourceOptions = {}): ResourceClient {
  const { sessions, exchange, client, expiry, config } = partsOf(auth)
  const key = resource + ' ' + (scope ?? '')
  let pending: Promise<string> | undefined

  /** The token kept for this API when it is valid for more than `ms` (default: the client's margin). */
  const kept = (session: Session | undefined, ms?: number) => {
    const token = session?.resources?.[key]
    return token && expiry.fresh({ ...session, ...token }, ms) ? token.accessToken : undefined
  }

  const obtain = (ms: number | undefined, force: boolean | undefined) => sessions.locked(async () => {
    // Another tab may have rotated the refresh token, or got this token, meanwhile: storage has the truth.
    const stored = await sessions.readSession()
    const held = sessions.current()
    if (!held || !stored || stored.id !== held.id) throw new AuthError('login_required')
    sessions.adopt(stored, 'otherTab')
    const session = stored
    const found = !force && kept(session, ms)
    if (found) return found
    if (!session.refreshToken) throw new AuthError('login_required')
    let next: Session
    try {
      next = await exchange({
        send: (as, options) => oauth.refreshTokenGrantRequest(as, client, oauth.None(), session.refreshToken!, {
          ...options,
          // This API alone: not the client's own resources.
          additionalParameters: [['resource', resource], ...(scope ? [['scope', scope]] : [])],
        }),
        process: oauth.processRefreshTokenResponse,
        previous: session,
        requested: scope,
      })
    } catch (cause) {
      const error = toAuthError(cause)
      // The session is over, as for any refresh: every tab signs out.
      if (error.code === 'invalid_grant') await sessions.signedOut('session_expired', session, error)
      if (error.error !== 'invalid_target') throw error
      throw new AuthError('oauth_error', `${error.url} gives this client no token for ${resource} (invalid_target).`, { ...error, cause: error })
    }
    const aud = audiences(next.accessToken)
    const token = !aud || aud.includes(resource) ? { accessToken: next.accessToken, expiresAt: next.expiresAt, lifetime: next.lifetime } : undefined
    // The refresh token it rotated is the session's now, whatever became of the token.
    await sessions.replace(session, {
      ...session,
      refreshToken: next.refreshToken,
      resources: { ...session.resources, ...(token && { [key]: token }) },
    }, 'demand')
    if (!token) throw new AuthError('invalid_response', `The token the server gave for ${resource} is for ${aud}.`)
    return token.accessToken
  })

  const getAccessToken = async ({ minValidity, forceRefresh }: GetAccessTokenOptions = {}) => {
    const ms = minValidity === undefined ? undefined : minValidity * 1000
    await sessions.start()
    // Callers in this tab share one request.
    return (!forceRefresh && kept(sessions.current(), ms)) ||
      (pending ??= obtain(ms, forceRefresh).finally(() => (pending = undefined)))
  }
  // With DPoP, the API's token is sent as the session's is: a proof by the session's key, a nonce retry.
  return { getAccessToken, ...bearerFetch(getAccessToken, config.plugins, config.fetch) }
}
