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
  /** RFC 9449 §10: the thumbprint of the key the token request's proof must use (`dpop_jkt`). */
  dpopJkt?: string | undefined
  expiresAt: number
  used: boolean
}

/** What the server remembers about an access token it signed, by `jti`. */
export interface AccessTokenRecord {
  jti: string
  clientId: string
  /** The user the token acts for; `undefined` for a client-credentials token of a client no user created. */
  userId: string | undefined
  sub: string
  scopes: string[]
  iss: string
  aud: string
  grantId: string | undefined
  familyId: string | undefined
  issuedAt: number
  expiresAt: number
  revoked: boolean
  /** The DPoP key it is bound to (`cnf.jkt`), if any. */
  jkt?: string | undefined
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
  /** The DPoP key a public client's refresh token is bound to (RFC 9449 §5): its refresh needs a proof by it. */
  jkt?: string | undefined
}

/** What taking a code or refresh token found: the record (now consumed), a replay (now revoked), or nothing. */
export type Consumed<T> = { status: 'ok'; record: T } | { status: 'replayed'; record: T } | { status: 'unknown' }

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
  /** Revokes the tokens of one code's family (code replay, refresh-token revocation), including any issued later. */
  revokeFamily(familyId: string): void
  /** Revokes everything issued to a client (client deleted). */
  revokeClient(clientId: string): void
  /** Whether a token's grant and family (when it has them) are still active: checked on every use. */
  isActive(token: { grantId?: string | undefined; familyId?: string | undefined }): boolean

  issueCode(fields: Omit<AuthorizationCode, 'code' | 'familyId' | 'used'>): AuthorizationCode
  /**
   * Takes a code of `clientId` for exchange, in one synchronous step (so two concurrent requests cannot both
   * see it unused). A second take is a replay: the code's family is revoked, and stays revoked for tokens
   * the first exchange has yet to issue.
   */
  consumeCode(code: string, clientId: string): Consumed<AuthorizationCode>

  recordAccessToken(record: AccessTokenRecord): void
  getAccessToken(jti: string): AccessTokenRecord | undefined
  issueRefreshToken(fields: Omit<RefreshTokenRecord, 'token' | 'rotated' | 'revoked'>): RefreshTokenRecord
  getRefreshToken(token: string): RefreshTokenRecord | undefined
  /**
   * Rotates a refresh token of `clientId` in one synchronous step; `problem` checks the rest of the request
   * first (a refused request consumes nothing). A rotated token presented again revokes its whole grant.
   */
  consumeRefreshToken(
    token: string,
    clientId: string,
    problem: (record: RefreshTokenRecord) => string | undefined,
  ): Consumed<RefreshTokenRecord> | { status: 'refused'; reason: string }
}

/** Expired records are swept after this many new ones, so a long-running server's memory stays flat. */
const sweepEvery = 512

/** Creates an empty grant store. */
export function createGrantStore(): GrantStore {
  const grants = new Map<string, MockGrant>()
  const codes = new Map<string, AuthorizationCode>()
  const accessTokens = new Map<string, AccessTokenRecord>()
  const refreshTokens = new Map<string, RefreshTokenRecord>()
  // familyId → revoked: a family outlives its records, so a token signed after a replay is born dead.
  const families = new Map<string, { grantId: string; revoked: boolean }>()
  let sinceSweep = 0

  const sweep = () => {
    if (++sinceSweep < sweepEvery) return
    sinceSweep = 0
    const now = Date.now()
    for (const [key, code] of codes) if (code.expiresAt <= now) codes.delete(key)
    for (const [key, token] of accessTokens) if (token.expiresAt * 1000 <= now) accessTokens.delete(key)
    for (const [key, token] of refreshTokens) if (token.expiresAt * 1000 <= now) refreshTokens.delete(key)
    for (const [key, family] of families) if (grants.get(family.grantId)?.revoked) families.delete(key)
  }

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

  const revokeFamily = (familyId: string) => {
    const family = families.get(familyId)
    if (family) family.revoked = true
    revokeWhere((token) => token.familyId === familyId)
  }

  const isActive = ({ grantId, familyId }: { grantId?: string | undefined; familyId?: string | undefined }) => {
    if (grantId !== undefined) {
      const grant = grants.get(grantId)
      if (!grant || grant.revoked) return false
    }
    if (familyId !== undefined) {
      const family = families.get(familyId)
      if (!family || family.revoked) return false
    }
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
    revokeFamily,
    revokeClient(clientId) {
      for (const grant of grants.values()) if (grant.clientId === clientId) revoke(grant.id)
      revokeWhere((token) => token.clientId === clientId)
    },
    isActive,

    issueCode(fields) {
      sweep()
      const code: AuthorizationCode = { ...fields, code: randomToken(), familyId: randomUuid(), used: false }
      codes.set(code.code, code)
      families.set(code.familyId, { grantId: code.grantId, revoked: false })
      return code
    },
    consumeCode(value, clientId) {
      const code = codes.get(value)
      if (!code || code.clientId !== clientId) return { status: 'unknown' }
      if (code.used) {
        // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
        revokeFamily(code.familyId)
        return { status: 'replayed', record: code }
      }
      code.used = true
      return { status: 'ok', record: code }
    },

    recordAccessToken(record) {
      sweep()
      accessTokens.set(record.jti, record)
    },
    getAccessToken: (jti) => accessTokens.get(jti),
    issueRefreshToken(fields) {
      sweep()
      const record: RefreshTokenRecord = { ...fields, token: randomToken(), rotated: false, revoked: false }
      refreshTokens.set(record.token, record)
      return record
    },
    getRefreshToken: (token) => refreshTokens.get(token),
    consumeRefreshToken(value, clientId, problem) {
      const token = refreshTokens.get(value)
      if (!token || token.clientId !== clientId) return { status: 'unknown' }
      if (token.rotated && !token.revoked) {
        // A rotated token coming back means two parties hold it: end the whole grant (RFC 9700 §4.14.2).
        revoke(token.grantId)
        return { status: 'replayed', record: token }
      }
      const reason = problem(token)
      if (reason !== undefined) return { status: 'refused', reason }
      token.rotated = true
      return { status: 'ok', record: token }
    },
  }
}
