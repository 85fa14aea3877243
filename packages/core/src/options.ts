import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthStorage } from './storage'
import { idbStorage, memoryStorage } from './storage'

/** Options of {@link createAuthClient}. */
export interface AuthClientOptions {
  /** The authorization server's issuer identifier; its metadata is discovered (RFC 8414, then OpenID Connect Discovery). */
  issuer?: string
  /** Static authorization server metadata, for servers that serve discovery without CORS. Skips discovery. */
  metadata?: AuthorizationServer
  /** The client's `client_id` (a public client: no secret). */
  clientId: string
  /** Where the server sends the user back; must be registered for the client. */
  redirectUri: string
  /** Space-separated scopes to request. `openid` turns on OpenID Connect (ID token, `nonce`). */
  scope?: string
  /**
   * Endpoints to use instead of the metadata's, e.g. to route the token request through your own
   * proxy when the server sends no CORS headers: `{ token: '/oauth-proxy/token' }`. Absolute URLs.
   */
  endpoints?: { token?: string; revocation?: string }
  /** Resource indicator(s) sent with the authorization request (RFC 8707). */
  resource?: string | string[]
  /** Extra parameters for every authorization request. */
  extraAuthorizationParams?: Record<string, string>
  /** Where to keep the session: `'indexeddb'` (default), `'memory'` or your own {@link AuthStorage}. */
  storage?: 'indexeddb' | 'memory' | AuthStorage
  /** `fetch` for the protocol requests and `auth.fetch`. Default: the global `fetch`. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** Leaves the page for the server. Default: `location.assign`. */
  navigate?: (url: string) => void
  /** The clock, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number
  /** How long before expiry the access token is refreshed, in seconds. Default 60. */
  refreshLeewaySeconds?: number
  /** Where the server's end-session endpoint sends the user after `signOut({ redirect: true })`. */
  postLogoutRedirectUri?: string
  /** How long discovered metadata is reused from storage, in seconds. Default 3600. */
  discoveryCacheSeconds?: number
}

/** Options after validation, with defaults applied. */
export type ResolvedOptions = ReturnType<typeof resolveOptions>

/** True for a plain-http URL on this machine: the only place where http is allowed. */
export const isLoopback = (url: string | URL | undefined) =>
  /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(String(url))

function check(ok: unknown, name: string, what: string) {
  if (!ok) throw new TypeError(`"${name}" must be ${what}`)
}

// The type of each optional option; unknown options are ignored.
const types: Record<string, string> = {
  metadata: 'object',
  scope: 'string',
  endpoints: 'object',
  extraAuthorizationParams: 'object',
  fetch: 'function',
  navigate: 'function',
  now: 'function',
  refreshLeewaySeconds: 'number',
  postLogoutRedirectUri: 'string',
  discoveryCacheSeconds: 'number',
}

/**
 * Validates the options and applies the defaults. Throws a `TypeError` naming the first bad option.
 */
export function resolveOptions(options: AuthClientOptions) {
  for (const [name, type] of Object.entries(types)) {
    const value = options[name as keyof AuthClientOptions]
    check(value === undefined || typeof value === type, name, `a ${type}`)
  }
  const { metadata, endpoints = {}, storage = 'indexeddb', clientId } = options
  const issuer = options.issuer ?? metadata?.issuer
  check(clientId && typeof clientId === 'string', 'clientId', 'a non-empty string')
  // Optional endpoints default to the issuer, which is checked anyway.
  for (const [name, url] of Object.entries({
    issuer,
    redirectUri: options.redirectUri,
    'endpoints.token': endpoints.token ?? issuer,
    'endpoints.revocation': endpoints.revocation ?? issuer,
  })) {
    check(typeof url === 'string' && URL.canParse(url) && (url.startsWith('https:') || isLoopback(url)), name,
      'an https URL (http only on loopback)')
  }
  check(!metadata || metadata.issuer === issuer, 'metadata.issuer', 'the issuer')
  check(
    typeof storage === 'object' ? [storage?.get, storage?.set, storage?.del].every((f) => typeof f === 'function')
    : /^(indexeddb|memory)$/.test(storage),
    'storage',
    "'indexeddb', 'memory' or { get, set, del }",
  )
  return {
    ...options,
    issuer: issuer!,
    endpoints,
    storage: typeof storage === 'object' ? storage : storage === 'memory' ? memoryStorage() : idbStorage(),
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    navigate: options.navigate ?? ((url: string) => location.assign(url)),
    now: options.now ?? (() => Date.now()),
    leeway: (options.refreshLeewaySeconds ?? 60) * 1000,
    discoveryCache: (options.discoveryCacheSeconds ?? 3600) * 1000,
  }
}
