import type { MockApiKeySeed } from './apiKeys'

/** A user of the mock's "portal": the person who signs in and approves consent. */
export interface MockUserSeed {
  id: string
  email: string
  name: string
}

/** How a test or the CLI seeds an OAuth client. Every field but `clientId` and `redirectUris` is optional. */
export interface MockClientSeed {
  clientId: string
  /** Shown on the consent page; defaults to the client id. */
  name?: string
  /** Default `'public'`. */
  clientType?: 'public' | 'confidential'
  /** Required for confidential clients; generated when missing. Ignored for public clients. */
  clientSecret?: string
  /** Exact-match redirect URIs; their origins are also the origins CORS allows. */
  redirectUris: string[]
  /** Default `['admin', 'openid', 'profile', 'email']`. */
  allowedScopes?: string[]
  /** Default `['authorization_code', 'refresh_token']` (plus `client_credentials` for confidential clients). */
  allowedGrantTypes?: GrantType[]
  /** Default `true` for public clients, `false` for confidential ones. */
  requirePkce?: boolean
  logoUri?: string
  policyUri?: string
  tosUri?: string
  /** Shown as `verified` on the consent token. Default `false`. */
  verified?: boolean
  /** The management record's uuid; generated when missing. */
  id?: string
  /**
   * The owning user (whose `/v2/oauth_clients` lists it, and on whose account its client-credentials tokens
   * act). Defaults to the first user; `null` for a client of no user (as dynamic registration makes).
   */
  userId?: string | null
}

/** The grant types the server implements. */
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials'

/** Options of {@link createMockServer}. */
export interface MockServerOptions {
  /** Default: the origin of each request, so in-process and `listen()` both work. When given, used verbatim. */
  issuer?: string
  clients?: MockClientSeed[]
  /** Default: one user `{ id: 'user_1', email: 'ada@example.com', name: 'Ada Lovelace' }`; the first user is "signed in". */
  users?: MockUserSeed[]
  /** Seconds; default 3600. */
  accessTokenTtl?: number
  /** Seconds; default 30 days. */
  refreshTokenTtl?: number
  /** Seconds; default 60. */
  codeTtl?: number
  /** Per client, on the token, introspection and revocation endpoints and the bearer API. Default 600 per 60 s. */
  rateLimit?: { limit: number; windowSeconds: number } | false
  /** RFC 9207: add `iss` to authorization responses and advertise it in metadata. Default `false` (as Telnyx). */
  issParameter?: boolean
  /** Skip the consent page: `/authorize` redirects straight back with a code, approved by the signed-in user. */
  autoApprove?: boolean
  /**
   * Telnyx API keys the server accepts as the bearer on `/v2/oauth_clients`, `/v2/oauth_grants` and
   * `/v2/oauth/introspect`, each acting as its user (default: the first) with full rights. A key is 16-512
   * characters of `A-Z a-z 0-9 - . _ ~ + /`.
   */
  apiKeys?: Array<string | MockApiKeySeed>
  /** `POST /v2/oauth/register`, for everybody together. Default 60 per 60 s; `false` disables it. */
  registrationRateLimit?: { limit: number; windowSeconds: number } | false
  /**
   * RFC 9449 DPoP, as oidc-provider does it: proofs checked at the token endpoint and on the API, tokens
   * bound to the proof's key (`cnf.jkt`, `token_type: DPoP`). Default `false`: Telnyx advertises no DPoP.
   */
  dpop?: boolean
  /** With `dpop`: require server nonces (`use_dpop_nonce`, `DPoP-Nonce`), rotated every `dpopNonceTtl` seconds. Default `false`. */
  dpopNonce?: boolean
  /** Seconds between nonce rotations; default 300. */
  dpopNonceTtl?: number
}

/** The options with defaults applied. */
export interface MockServerConfig {
  issuer: string | undefined
  accessTokenTtl: number
  refreshTokenTtl: number
  codeTtl: number
  rateLimit: { limit: number; windowSeconds: number } | false
  registrationRateLimit: { limit: number; windowSeconds: number } | false
  issParameter: boolean
  autoApprove: boolean
  dpop: boolean
  /** Nonce rotation in seconds; `undefined` when nonces are off. */
  dpopNonceTtl: number | undefined
}

/** The scopes every client may ask for unless seeded otherwise. */
export const defaultScopes = ['admin', 'openid', 'profile', 'email']

/** The user signed in when no users are seeded. */
export const defaultUser: MockUserSeed = { id: 'user_1', email: 'ada@example.com', name: 'Ada Lovelace' }

/** Applies defaults to the options and checks the ones a typo would silently break. */
export function resolveConfig(options: MockServerOptions): MockServerConfig {
  const positive = (name: string, value: number | undefined, fallback: number) => {
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError(`"${name}" must be a positive number of seconds`)
    }
    return value
  }
  if (options.issuer !== undefined) {
    let url: URL
    try {
      url = new URL(options.issuer)
    } catch {
      throw new TypeError('"issuer" must be an absolute URL')
    }
    if (url.search || url.hash) throw new TypeError('"issuer" must have no query or fragment')
  }
  const limit = (name: string, value: MockServerOptions['rateLimit'], fallback: { limit: number; windowSeconds: number }) => {
    const resolved = value ?? fallback
    if (resolved && (!(resolved.limit >= 0) || !(resolved.windowSeconds > 0))) {
      throw new TypeError(`"${name}" needs a limit >= 0 and windowSeconds > 0`)
    }
    return resolved
  }
  const rateLimit = limit('rateLimit', options.rateLimit, { limit: 600, windowSeconds: 60 })
  return {
    issuer: options.issuer?.replace(/\/$/, ''),
    accessTokenTtl: positive('accessTokenTtl', options.accessTokenTtl, 3600),
    refreshTokenTtl: positive('refreshTokenTtl', options.refreshTokenTtl, 30 * 24 * 3600),
    codeTtl: positive('codeTtl', options.codeTtl, 60),
    rateLimit,
    registrationRateLimit: limit('registrationRateLimit', options.registrationRateLimit, { limit: 60, windowSeconds: 60 }),
    issParameter: options.issParameter ?? false,
    autoApprove: options.autoApprove ?? false,
    dpop: options.dpop ?? false,
    dpopNonceTtl: options.dpop && options.dpopNonce ? positive('dpopNonceTtl', options.dpopNonceTtl, 300) : undefined,
  }
}
