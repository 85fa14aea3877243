import * as oauth from 'oauth4webapi'
import type { AuthError } from './authError'
import { toAuthError } from './authError'
import type { Claims } from './authState'
import type { AuthPlugin } from './plugins'
import type { HttpOptions } from './protocolFetch'
import type { Session } from './session'

/**
 * Reads the userinfo endpoint with a new session's access token and merges the claims into its
 * `user` (over the ID token's), keeping them as `userInfo` so refreshes carry them over. The `sub`
 * must match the ID token's (OpenID Connect Core §5.3.2); without an ID token there is no subject to
 * match, and nothing is asked. One attempt, never retried (with DPoP, once more for a nonce asked
 * for). Never rejects: a failure comes back as `error`, beside the session as it was, since the
 * sign-in itself succeeded.
 *
 * @see [OpenID Connect Core 1.0 §5.3 - UserInfo Endpoint](https://openid.net/specs/openid-connect-core-1_0.html#UserInfo)
 */
export async function withUserInfo(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  session: Session,
  http: (url: string | undefined, beforeRetry: () => Promise<boolean>) => HttpOptions,
  prove: NonNullable<AuthPlugin['prove']>,
): Promise<{ session: Session; error?: AuthError }> {
  const subject = session.idToken ? session.user?.sub : undefined
  if (!subject) return { session }
  try {
    // Without a userinfo_endpoint in the metadata, oauth4webapi refuses before sending (`invalid_response`).
    // One attempt: the sign-in waits for it, and it is worth less than a user kept waiting.
    // With DPoP it carries a proof of the session's key (RFC 9449 §7): a bound token is refused without one.
    const claims = (await prove(async (dpop) => oauth.processUserInfoResponse(as, client, subject,
      await oauth.userInfoRequest(as, client, session.accessToken, { ...http(as.userinfo_endpoint, async () => false), ...dpop })))) as Claims
    return { session: { ...session, user: { ...session.user, ...claims }, userInfo: claims } }
  } catch (cause) {
    return { session, error: toAuthError(cause) }
  }
}
