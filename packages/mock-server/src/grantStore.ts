import { randomToken, randomUuid } from './randomToken'

/** A user's consent to a client (Telnyx's `oauth_grant`); every token issued under it dies with it. */
export interface MockGrant {
  id: string
  userId: string
  clientId: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
  revoked: boolean
}

/** An authorization code, bound to everything the token request must repeat. */
export interface AuthorizationCode {
  code: string
  clientId: string
  userId: string
  grantId: string
  /** Tokens issued from this code (and their refreshes) form one family, revoked together. */
  familyId: string
  redirectUri: string
  scopes: string[]
  codeChallenge: string | undefined
  codeChallengeMethod: 'plain' | 'S256' | undefined
  nonce: string | undefined
  expiresAt: number
  used: boolean
}

/** What the server remembers about an access token it signed, by `jti`. */
export interface AccessTokenRecord {
  jti: string
  clientId: string
  /** The user the token acts for (a client-credentials token acts for the client's owner). */
  userId: string
  sub: string
  scopes: string[]
  iss: string
  aud: string
  grantId: string | undefined
  familyId: string | undefined
  issuedAt: number
  expiresAt: number
  revoked: boolean
}

/** A refresh token; `rotated` once it has been exchanged, which makes a second use a theft signal. */
export interface RefreshTokenRecord {
  token: string
  clientId: string
  userId: string
  grantId: string
  familyId: string
  scopes: string[]
  issuedAt: number
  expiresAt: number
  rotated: boolean
  revoked: boolean
}

/** Grants, codes and every token issued, with revocation that reaches all of them. */
export interface GrantStore {
  /** The active grant of `userId` for `clientId`, widened to `scopes`, or a new one. */
  upsert(userId: string, clientId: string, scopes: string[]): MockGrant
  get(id: string): MockGrant | undefined
  /** Active grants, oldest first. */
  list(): MockGrant[]
  /** Records a use of the grant (`last_used_at`). */
  touch(id: string): void
  /** Revokes the grant and every code and token issued under it. Returns whether it was active. */
  revoke(id: string): boolean
  /** Revokes the tokens of one code's family (code replay, refresh-token revocation). */
  revokeFamily(familyId: string): void
  /** Revokes everything issued to a client (client deleted). */
  revokeClient(clientId: string): void

  issueCode(fields: Omit<AuthorizationCode, 'code' | 'familyId' | 'used'>): AuthorizationCode
  getCode(code: string): AuthorizationCode | undefined

  recordAccessToken(record: AccessTokenRecord): void
  getAccessToken(jti: string): AccessTokenRecord | undefined
  issueRefreshToken(fields: Omit<RefreshTokenRecord, 'token' | 'rotated' | 'revoked'>): RefreshTokenRecord
  getRefreshToken(token: string): RefreshTokenRecord | undefined
}

/** Creates an empty grant store. */
export function createGrantStore(): GrantStore {
  const grants = new Map<string, MockGrant>()
  const codes = new Map<string, AuthorizationCode>()
  const accessTokens = new Map<string, AccessTokenRecord>()
  const refreshTokens = new Map<string, RefreshTokenRecord>()

  const revokeWhere = (match: (token: { grantId?: string | undefined; familyId?: string | undefined; clientId: string }) => boolean) => {
    for (const token of accessTokens.values()) if (match(token)) token.revoked = true
    for (const token of refreshTokens.values()) if (match(token)) token.revoked = true
    for (const code of codes.values()) if (match(code)) code.used = true
  }

  const revoke = (id: string) => {
    const grant = grants.get(id)
    if (!grant || grant.revoked) return false
    grant.revoked = true
    revokeWhere((token) => token.grantId === id)
    return true
  }

  return {
    upsert(userId, clientId, scopes) {
      const existing = [...grants.values()].find(
        (grant) => !grant.revoked && grant.userId === userId && grant.clientId === clientId,
      )
      if (existing) {
        existing.scopes = [...new Set([...existing.scopes, ...scopes])]
        return existing
      }
      const grant: MockGrant = {
        id: randomUuid(),
        userId,
        clientId,
        scopes: [...scopes],
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
        revoked: false,
      }
      grants.set(grant.id, grant)
      return grant
    },
    get: (id) => {
      const grant = grants.get(id)
      return grant && !grant.revoked ? grant : undefined
    },
    list: () => [...grants.values()].filter((grant) => !grant.revoked),
    touch(id) {
      const grant = grants.get(id)
      if (grant) grant.lastUsedAt = new Date().toISOString()
    },
    revoke,
    revokeFamily: (familyId) => revokeWhere((token) => token.familyId === familyId),
    revokeClient(clientId) {
      for (const grant of grants.values()) if (grant.clientId === clientId) revoke(grant.id)
      revokeWhere((token) => token.clientId === clientId)
    },

    issueCode(fields) {
      const code: AuthorizationCode = { ...fields, code: randomToken(), familyId: randomUuid(), used: false }
      codes.set(code.code, code)
      return code
    },
    getCode: (code) => codes.get(code),

    recordAccessToken: (record) => void accessTokens.set(record.jti, record),
    getAccessToken: (jti) => accessTokens.get(jti),
    issueRefreshToken(fields) {
      const record: RefreshTokenRecord = { ...fields, token: randomToken(), rotated: false, revoked: false }
      refreshTokens.set(record.token, record)
      return record
    },
    getRefreshToken: (token) => refreshTokens.get(token),
  }
}
