import type { TokenEndpointResponse } from 'oauth4webapi'
import { generateRandomState, getValidatedIdTokenClaims } from 'oauth4webapi'
import type { Claims, SessionSummary } from './authState'
import { decode } from './encryptedStorage'

/** The stored session: one versioned record per issuer and client. */
export interface Session extends SessionSummary {
  v: 1
  /** Names the sign-in the session comes from, the same across its refreshes (absent in records of older versions). */
  id?: string
  accessToken: string
  refreshToken?: string
  idToken?: string
  /** How long the access token lived when issued, in ms (absent in records of older versions). */
  lifetime?: number
  /** The claims read from the userinfo endpoint at sign-in (option `userInfo`), merged into `user`. */
  userInfo?: Claims
  /** Tokens for other APIs (the resources add-on), by resource and scope; a refresh of the session keeps them. */
  resources?: Record<string, Pick<Session, 'accessToken' | 'expiresAt' | 'lifetime'>>
}

/** True for a record this version of the client wrote; anything else counts as no session. */
export const isSession = (record: Partial<Session>): record is Session =>
  typeof record.accessToken === 'string' &&
  typeof record.expiresAt === 'number' &&
  ['undefined', 'string'].includes(typeof record.refreshToken)

/** The payload of a JWT, decoded without verification; undefined for an opaque token. */
export function decodeJwt(token: string): Claims | undefined {
  try {
    const [, payload = ''] = token.split('.')
    const claims = JSON.parse(new TextDecoder().decode(decode(payload)))
    return claims?.constructor === Object ? { ...claims, unverified: true } : undefined
  } catch {
    return undefined
  }
}

/**
 * Converts a token endpoint response (already validated by oauth4webapi) to our model, once. The
 * expiry is computed at receipt on the local clock, so a skewed server clock does not matter. What
 * a refresh response leaves out (a refresh token that was not rotated, the ID token) is kept from
 * the session it replaces, and so are the claims read at the userinfo endpoint at sign-in.
 */
export function toSession(response: TokenEndpointResponse, now: number, scope?: string, previous?: Session): Session {
  const idClaims = getValidatedIdTokenClaims(response) as Claims | undefined
  // Without expires_in (RFC 6749 only recommends it) the token is assumed to live an hour; an
  // absurd one is capped (at 68 years) so the expiry stays a finite number through JSON.
  const lifetime = Math.min(response.expires_in ?? 3600, 2 ** 31) * 1000
  const user = idClaims ?? (previous?.idToken ? previous.user : decodeJwt(response.access_token))
  const userInfo = previous?.userInfo
  return {
    v: 1,
    id: previous?.id ?? generateRandomState(),
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    idToken: response.id_token ?? previous?.idToken,
    expiresAt: now + lifetime,
    lifetime,
    scope: response.scope ?? previous?.scope ?? scope,
    user: userInfo ? { ...user, ...userInfo } : user,
    ...(userInfo && { userInfo }),
  }
}
