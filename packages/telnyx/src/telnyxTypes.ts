// The Telnyx OAuth API's request and response types, in camelCase (reference/telnyx-oauth.md §2).
// Fields the server may add later are not typed: reach them through `withResponse().raw`.

/** RFC 8414 authorization server metadata (`/.well-known/oauth-authorization-server`). */
export interface AuthorizationServerMetadata {
  issuer?: string
  authorizationEndpoint?: string
  tokenEndpoint?: string
  introspectionEndpoint?: string
  jwksUri?: string
  registrationEndpoint?: string
  codeChallengeMethodsSupported?: string[]
  grantTypesSupported?: string[]
  responseTypesSupported?: string[]
  /** Read this instead of hard-coding scopes: Telnyx's list has changed before. */
  scopesSupported?: string[]
  tokenEndpointAuthMethodsSupported?: string[]
}

/** RFC 9728 protected resource metadata (`/.well-known/oauth-protected-resource`). */
export interface ProtectedResourceMetadata {
  resource?: string
  authorizationServers?: string[]
}

/** A scope the consent screen asks the user for. */
export interface RequestedScope {
  id: string
  name: string
  description?: string
}

/** What a consent token asks for: which client, which redirect, which scopes. */
export interface ConsentDetails {
  clientId: string
  name: string
  logoUri?: string | null
  policyUri?: string | null
  tosUri?: string | null
  redirectUri: string
  verified: boolean
  requestedScopes: RequestedScope[]
}

/** Parameters of `oauth.createGrant`: the user's answer on the consent screen. */
export interface CreateGrantParams {
  allowed: boolean
  consentToken: string
}

/** Where to send the user after a consent decision (the client's redirect URI with a code or an error). */
export interface CreateGrantResult {
  redirectUri: string
}

/** HTTP Basic client credentials for the endpoints that authenticate the client (token, introspection). */
export interface ClientCredentials {
  clientId: string
  clientSecret: string
}

/** Parameters of `oauth.introspect` (RFC 7662). */
export interface IntrospectParams {
  /** The access token to inspect. */
  token: string
  /**
   * Client credentials sent with HTTP Basic; without them the request carries the client's bearer
   * (API key, `getAccessToken` or `auth`).
   */
  clientAuth?: ClientCredentials
}

/** RFC 7662 introspection result. */
export interface IntrospectResult {
  active: boolean
  aud?: string
  clientId?: string
  /** Expiry, seconds since the epoch. */
  exp?: number
  /** Issue time, seconds since the epoch. */
  iat?: number
  iss?: string
  scope?: string
}

/** One JSON Web Key (RFC 7517). Returned verbatim: JWK member names are standard, so no camelCase. */
export interface Jwk {
  kid?: string
  kty: string
  alg?: string
  use?: string
  [member: string]: unknown
}

/** A JSON Web Key Set (`/oauth/jwks`). */
export interface JwkSet {
  keys: Jwk[]
}

/** OAuth grant types Telnyx knows. */
export type GrantType = 'authorization_code' | 'client_credentials' | 'refresh_token'

/** How a client authenticates at the token endpoint; a browser app registers with `'none'`. */
export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

/** Parameters of `oauth.register` (RFC 7591 dynamic client registration). */
export interface RegisterClientParams {
  clientName?: string
  redirectUris?: string[]
  /** Telnyx defaults to `['authorization_code']`. */
  grantTypes?: GrantType[]
  /** Telnyx defaults to `['code']`. */
  responseTypes?: string[]
  /** Space-separated scopes. */
  scope?: string
  /** Telnyx defaults to `'client_secret_basic'`: a single-page app must send `'none'`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod
  logoUri?: string
  policyUri?: string
  tosUri?: string
}

/** The registered client (RFC 7591 §3.2.1). */
export interface RegisteredClient {
  clientId: string
  /** Seconds since the epoch. */
  clientIdIssuedAt: number
  /** Only for confidential clients. */
  clientSecret?: string
  clientName?: string
  redirectUris?: string[]
  grantTypes?: string[]
  responseTypes?: string[]
  scope?: string
  tokenEndpointAuthMethod?: string
  logoUri?: string
  policyUri?: string
  tosUri?: string
}

/** Parameters of `oauth.token`, one shape per grant type. */
export type TokenParams =
  | ({ grantType: 'client_credentials'; scope?: string } & TokenClientAuth)
  | ({ grantType: 'authorization_code'; code: string; redirectUri: string; codeVerifier?: string } & TokenClientAuth)
  | ({ grantType: 'refresh_token'; refreshToken: string; scope?: string } & TokenClientAuth)

/**
 * How the token request identifies the client. With a `clientSecret` the credentials go in an HTTP
 * Basic header (`client_secret_basic`, which every OAuth server must accept) unless `authMethod` says
 * `client_secret_post`; a public client sends only `clientId`, in the body.
 */
export interface TokenClientAuth {
  clientId?: string
  clientSecret?: string
  authMethod?: 'client_secret_basic' | 'client_secret_post'
}

/** An access token response (RFC 6749 §5.1). */
export interface TokenResult {
  accessToken: string
  tokenType: 'Bearer'
  /** Lifetime in seconds from the time of the response. */
  expiresIn: number
  refreshToken?: string
  scope?: string
}

export type * from './telnyxManagementTypes'
