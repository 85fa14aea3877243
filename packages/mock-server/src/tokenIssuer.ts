import type { AccessTokenRecord, GrantStore } from './grantStore'
import type { MockServerConfig } from './mockServerOptions'
import { epochSeconds, randomUuid } from './randomToken'
import type { SigningKeys } from './signingKeys'
import type { UserStore } from './userStore'

/** RFC 9068's media type for JWT access tokens, checked on the way back in. */
const accessTokenTyp = 'at+jwt'

/** What a token is issued for. */
export interface TokenSubject {
  issuer: string
  clientId: string
  /** The user the token acts for; none for a client-credentials token of a client no user created. */
  userId: string | undefined
  /** The JWT `sub`: the user, or the client id for client credentials. */
  sub: string
  scopes: string[]
  grantId?: string | undefined
  familyId?: string | undefined
}

/** The RFC 6749 §5.1 token response. */
export interface TokenResponseBody {
  access_token: string
  token_type: 'Bearer' | 'DPoP'
  expires_in: number
  refresh_token?: string
  scope: string
  id_token?: string
}

/** Signs and records tokens; every access token is tracked by `jti` so revocation reaches it. */
export interface TokenIssuer {
  /** Signs an access token (bound to the DPoP key `jkt` when given: `cnf.jkt`) and records it; resolves to the JWT. */
  accessToken(subject: TokenSubject, jkt?: string): Promise<string>
  /**
   * A full token response: access token, a refresh token when `refresh`, an ID token when `openid` is granted.
   * With `jkt` the access token is DPoP-bound (`token_type: DPoP`), and so is the refresh token when `bindRefresh`.
   */
  tokenResponse(
    subject: TokenSubject,
    options: { refresh: boolean; nonce?: string | undefined; jkt?: string | undefined; bindRefresh?: boolean },
  ): Promise<TokenResponseBody>
  /** The record of a valid, unexpired, unrevoked access token whose grant and family are active, or `undefined`. */
  authenticate(token: string): Promise<AccessTokenRecord | undefined>
}

/** The audience of access tokens: the API they are for, `${issuer}/v2` (Telnyx's API base URL). */
export function accessTokenAudience(issuer: string): string {
  return `${issuer}/v2`
}

/** Creates the token issuer over the server's keys and stores. */
export function createTokenIssuer(
  config: MockServerConfig,
  keys: SigningKeys,
  grants: GrantStore,
  users: UserStore,
): TokenIssuer {
  const accessToken = async (subject: TokenSubject, jkt?: string) => {
    const now = Date.now()
    const record: AccessTokenRecord = {
      jti: randomUuid(),
      clientId: subject.clientId,
      userId: subject.userId,
      sub: subject.sub,
      scopes: subject.scopes,
      iss: subject.issuer,
      aud: accessTokenAudience(subject.issuer),
      grantId: subject.grantId,
      familyId: subject.familyId,
      issuedAt: epochSeconds(now),
      expiresAt: epochSeconds(now) + config.accessTokenTtl,
      revoked: false,
      jkt,
    }
    const jwt = await keys.sign(
      {
        iss: record.iss,
        aud: record.aud,
        sub: record.sub,
        client_id: record.clientId,
        scope: record.scopes.join(' '),
        iat: record.issuedAt,
        exp: record.expiresAt,
        jti: record.jti,
        ...(jkt === undefined ? {} : { cnf: { jkt } }),
      },
      accessTokenTyp,
    )
    grants.recordAccessToken(record)
    return jwt
  }

  return {
    accessToken,
    async tokenResponse(subject, { refresh, nonce, jkt, bindRefresh = false }) {
      const body: TokenResponseBody = {
        access_token: await accessToken(subject, jkt),
        token_type: jkt === undefined ? 'Bearer' : 'DPoP',
        expires_in: config.accessTokenTtl,
        scope: subject.scopes.join(' '),
      }
      if (refresh && subject.grantId && subject.familyId && subject.userId !== undefined) {
        const now = epochSeconds()
        body.refresh_token = grants.issueRefreshToken({
          clientId: subject.clientId,
          userId: subject.userId,
          grantId: subject.grantId,
          familyId: subject.familyId,
          scopes: subject.scopes,
          issuedAt: now,
          expiresAt: now + config.refreshTokenTtl,
          jkt: bindRefresh ? jkt : undefined,
        }).token
      }
      const user = subject.userId === undefined ? undefined : users.get(subject.userId)
      // Only a token that acts as its user (not client credentials) comes with an ID token.
      if (subject.scopes.includes('openid') && user && subject.sub === user.id) {
        const iat = epochSeconds()
        body.id_token = await keys.sign(
          {
            iss: subject.issuer,
            aud: subject.clientId,
            sub: user.id,
            iat,
            exp: iat + config.accessTokenTtl,
            ...(nonce === undefined ? {} : { nonce }),
            name: user.name,
            email: user.email,
          },
          'JWT',
        )
      }
      return body
    },
    async authenticate(token) {
      const payload = await keys.verify(token, accessTokenTyp)
      if (typeof payload?.jti !== 'string') return undefined
      const record = grants.getAccessToken(payload.jti)
      if (!record || record.revoked || record.expiresAt <= epochSeconds()) return undefined
      // A replay may have ended the token's family or grant after it was signed: checked on every use.
      return grants.isActive(record) ? record : undefined
    },
  }
}
