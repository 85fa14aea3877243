import type { AuthorizationServer } from 'oauth4webapi'
import type { AuthPlugin } from './plugins'
import type { AuthStorage } from './storage'

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
  /**
   * Resource indicator(s): the API(s) the access token is for, as absolute URLs. Sent with the
   * authorization request, the code exchange and every refresh (RFC 8707 §2), so the token's audience
   * is the API rather than the server's default (often its userinfo endpoint).
   * @see [RFC 8707 - Resource Indicators for OAuth 2.0](https://www.rfc-editor.org/rfc/rfc8707.html#section-2)
   */
  resource?: string | string[]
  /** Extra parameters for every authorization request. */
  extraAuthorizationParams?: Record<string, string>
  /**
   * Where to keep the session, sign-in transactions and cached metadata: `'indexeddb'` (default),
   * `'memory'` (this page only, never persisted) or your own {@link AuthStorage}. Records are
   * encrypted (AES-GCM, a non-extractable key kept in IndexedDB), also in your own storage when the
   * browser has IndexedDB; `'memory'` stays plain. When the storage fails (IndexedDB blocked, quota,
   * private mode), the client keeps working in memory for this page and emits `storageFallback`.
   */
  storage?: 'indexeddb' | 'memory' | AuthStorage
  /** `fetch` for the protocol requests and `auth.fetch`. Default: the global `fetch`. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>
  /** Leaves the page for the server. Default: `location.assign`. */
  navigate?: (url: string) => void
  /** The clock, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number
  /**
   * How long before expiry the access token is refreshed, in seconds. Default 60; for a token that
   * lives shorter than twice this, half its lifetime (a 30 s token is renewed 15 s before expiry). While someone
   * listens, a timer refreshes ahead of time, up to 10% of this later (at most 5 s: jitter, so that
   * tabs do not wake at once); any read closer to expiry refreshes too.
   */
  refreshLeewaySeconds?: number
  /** Where the server's end-session endpoint sends the user after `signOut({ redirect: true })`. */
  postLogoutRedirectUri?: string
  /**
   * After the code exchange, read the OpenID Connect userinfo endpoint and merge its claims into
   * `user` (profile claims such as `name` and `email` that some servers, Okta or `oidc-provider`,
   * put only there). Needs `openid` in `scope`: its `sub` must match the ID token's. The claims are
   * stored with the session, so a reload or a refresh sends no userinfo request. A failed userinfo
   * request never fails the sign-in: it shows as `error` on the signed-in state. Default false.
   */
  userInfo?: boolean
  /**
   * How long a started sign-in may take, in seconds, from leaving the page to its callback (a sign-up
   * with e-mail verification can take a while): an older callback is refused with `state_mismatch`.
   * Default 3600.
   */
  signInTimeoutSeconds?: number
  /** How long discovered metadata is reused from storage, in seconds. Default 3600. */
  discoveryCacheSeconds?: number
  /**
   * Retries of the discovery, token and revocation requests (network errors, timeouts, 408, 429,
   * 5xx; `Retry-After` honoured): `attempts` in all, first included (default 4; an integer), each with a
   * timeout of `timeoutMs` (default 10,000, below 2³¹; also the longest wait for another tab's refresh).
   */
  retry?: { attempts?: number; timeoutMs?: number }
  /**
   * Add-ons, each made by its entry's factory: `leaseLock()` from `@pkce-auth/core/lease-lock`, and
   * (to come) `dpop()`. An app that imports none ships none.
   */
  plugins?: AuthPlugin[]
}

/** True for a plain-http URL on this machine: the only place where http is allowed. */
export const isLoopback = (url: string | URL | undefined) =>
  /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(String(url))

/**
 * RFC 8707 §2: an absolute URI without a fragment. Sent as written, so no white space either (which the
 * URL parser would drop or encode).
 */
const isResource = (resource: unknown) =>
  typeof resource == 'string' && URL.canParse(resource) && !/[#\s]/.test(resource)

const isUrl = (url: unknown) =>
  typeof url == 'string' && URL.canParse(url) && (url.startsWith('https:') || isLoopback(url))

// The defaults; each also gives the type an option must have.
const defaults = {
  scope: '',
  endpoints: {} as { token?: string; revocation?: string },
  extraAuthorizationParams: {} as Record<string, string>,
  fetch: (input: string | URL, init?: RequestInit) => fetch(input, init),
  navigate: (url: string) => location.assign(url),
  now: () => Date.now(),
  refreshLeewaySeconds: 60,
  postLogoutRedirectUri: '',
  discoveryCacheSeconds: 3600,
  userInfo: false,
  signInTimeoutSeconds: 3600,
  retry: {} as { attempts?: number; timeoutMs?: number },
  plugins: [] as AuthPlugin[],
}

/** The options after validation, with the defaults applied. */
export type ResolvedOptions = AuthClientOptions & typeof defaults & { issuer: string }

/**
 * Validates the options and applies the defaults. Throws a `TypeError` naming the first bad option.
 */
export function resolveOptions(options: AuthClientOptions): ResolvedOptions {
  const config: Record<string, any> = { ...options }
  const { metadata, endpoints, storage = 'indexeddb', resource, signInTimeoutSeconds = 1 } = options
  const { attempts = 1, timeoutMs = 1 } = Object(options.retry)
  const issuer = (config.issuer ??= metadata?.issuer)
  const url = 'an https URL (http only on loopback)'
  // Optional endpoints default to the issuer, which is checked anyway.
  const checks: [string, unknown, string][] = [
    ['clientId', options.clientId && typeof options.clientId == 'string', 'a non-empty string'],
    ['issuer', isUrl(issuer), url],
    ['redirectUri', isUrl(options.redirectUri), url],
    ['endpoints.token', isUrl(endpoints?.token ?? issuer), url],
    ['endpoints.revocation', isUrl(endpoints?.revocation ?? issuer), url],
    ['metadata.issuer', !metadata || metadata.issuer === issuer, 'the issuer'],
    ['plugins', [options.plugins ?? []].every((list) => Array.isArray(list) && list.every((plugin) => typeof plugin?.name == 'string')), 'an array of add-ons'],
    ['resource', resource === undefined || [resource].flat().every(isResource) && resource.length > 0,
      'an absolute URL without a fragment, or a non-empty array of them'],
    ['signInTimeoutSeconds', signInTimeoutSeconds > 0 && signInTimeoutSeconds < 2 ** 31, 'a positive number of seconds'],
    ['retry.attempts', attempts % 1 == 0 && attempts > 0, 'a positive integer'],
    // setTimeout fires at once for a delay of 2³¹ ms or more: every request would time out.
    ['retry.timeoutMs', timeoutMs > 0 && timeoutMs < 2 ** 31, 'a positive number of ms'],
    ['storage', /^(indexeddb|memory)$/.test(storage as string) ||
      ['get', 'set', 'del'].every((verb) => typeof Object(storage)[verb] == 'function'), "'indexeddb', 'memory' or { get, set, del }"],
  ]
  for (const [name, value] of Object.entries(defaults)) {
    const given = (config[name] ??= value)
    // The numbers are durations, never negative, NaN (a missing environment variable through
    // Number()) nor infinite: with a NaN or infinite leeway no token is fresh, and the client refreshes in a loop.
    checks.push([name, typeof given == typeof value && !(given < 0 || given === 1 / 0 || given !== given), 'a ' + typeof value])
  }
  for (const [name, ok, what] of checks) if (!ok) throw new TypeError(`"${name}" must be ${what}`)
  return config as ResolvedOptions
}
