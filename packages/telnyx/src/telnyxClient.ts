import { createOAuthResource } from './oauth'
import type { OAuthResource } from './oauth'
import { createOAuthClientsResource } from './oauthClients'
import type { OAuthClientsResource } from './oauthClients'
import { createOAuthGrantsResource } from './oauthGrants'
import type { OAuthGrantsResource } from './oauthGrants'
import { nonNegativeOption } from './nonNegativeOption'
import { createTransport } from './transport'
import type { BearerSource } from './transport'
import { createWellKnownResource } from './wellKnown'
import type { WellKnownResource } from './wellKnown'

/**
 * What the client needs from `@pkce-auth/core`'s `AuthClient`: a token on demand, refreshed when
 * asked. Any object with this method works, so an `AuthClient` can be passed as it is.
 */
export interface TokenSource {
  getAccessToken(options?: { forceRefresh?: boolean; minValidity?: number }): Promise<string>
  /** When present (an `AuthClient`), every request carries its headers: with the `dpop()` add-on, a DPoP proof. */
  getAuthorizationHeaders?(request: { method?: string; url: string | URL }, options?: { forceRefresh?: boolean }): Promise<Record<string, string>>
}

/**
 * Where the bearer token comes from, one of:
 * - `auth`: a signed-in `AuthClient` (or any {@link TokenSource}). On a 401 that refuses the token
 *   (`WWW-Authenticate` says `invalid_token`, or names no error: Telnyx documents no challenge on its 401s) the
 *   client reads the token again, forces a refresh (`getAccessToken({ forceRefresh: true })`) only if
 *   it is still the refused one, and retries once: calls refused with the same token share one refresh.
 *   The wait for the token is part of the call's `timeoutMs` and ends with its `signal`.
 * - `apiKey`: a Telnyx API key, sent as it is.
 * - `getAccessToken`: called before every request; a 401 is final.
 * - nothing: only the endpoints without credentials work (discovery, JWKS, registration, token).
 */
export type TelnyxCredentials =
  | { auth: TokenSource; apiKey?: never; getAccessToken?: never }
  | { apiKey: string; auth?: never; getAccessToken?: never }
  | { getAccessToken: () => string | Promise<string>; auth?: never; apiKey?: never }
  | { auth?: never; apiKey?: never; getAccessToken?: never }

/** Settings of {@link createTelnyxClient}. Each call's {@link TelnyxRequestOptions} override them. */
export interface TelnyxClientOptions {
  /** The API base URL. Default `'https://api.telnyx.com/v2'`. */
  baseUrl?: string
  /** Where `/.well-known/*` documents are served. Default: the origin of `baseUrl` (`https://api.telnyx.com`). */
  wellKnownBaseUrl?: string
  /**
   * Retries after a 408, 409, 429, 5xx, network error or timeout; for a POST that is not safe to
   * repeat (a create, a grant, a registration, a code or refresh-token exchange), only after a 429 or
   * a 503. Default 2.
   */
  maxRetries?: number
  /** Milliseconds each attempt may take, the wait for the bearer token and the body included. Default 60 000. */
  timeoutMs?: number
  /** The `fetch` to send requests with. Default: the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>
}

/** A typed client for the Telnyx OAuth API; every method takes {@link TelnyxRequestOptions} last. */
export interface TelnyxClient {
  wellKnown: WellKnownResource
  oauth: OAuthResource
  oauthClients: OAuthClientsResource
  oauthGrants: OAuthGrantsResource
}

function bearerSource(credentials: TelnyxCredentials): BearerSource | undefined {
  const given = [credentials.auth, credentials.apiKey, credentials.getAccessToken].filter((value) => value !== undefined)
  if (given.length > 1) throw new TypeError('pass only one of "auth", "apiKey" and "getAccessToken"')
  const { auth, apiKey, getAccessToken } = credentials
  if (auth !== undefined) {
    if (typeof auth.getAccessToken !== 'function') throw new TypeError('"auth" must have a getAccessToken method')
    const options = (forceRefresh: boolean) => (forceRefresh ? { forceRefresh } : undefined)
    return {
      refreshable: true,
      token: ({ forceRefresh }) => auth.getAccessToken(options(forceRefresh)),
      // Through the client's own headers, so DPoP (`Authorization: DPoP` and a proof per request) works unchanged.
      ...(typeof auth.getAuthorizationHeaders === 'function'
        ? { headers: (request: { method: string; url: string }, { forceRefresh }: { forceRefresh: boolean }) => auth.getAuthorizationHeaders!(request, options(forceRefresh)) }
        : {}),
    }
  }
  if (apiKey !== undefined) {
    if (typeof apiKey !== 'string' || apiKey === '') throw new TypeError('"apiKey" must be a non-empty string')
    return { refreshable: false, token: () => Promise.resolve(apiKey) }
  }
  if (getAccessToken !== undefined) {
    if (typeof getAccessToken !== 'function') throw new TypeError('"getAccessToken" must be a function')
    return { refreshable: false, token: async () => getAccessToken() }
  }
  return undefined
}

function absoluteUrl(value: string, name: string): URL {
  try {
    return new URL(value)
  } catch (error) {
    throw new TypeError(`"${name}" must be an absolute URL`, { cause: error })
  }
}

/**
 * Creates a client for the Telnyx OAuth API: discovery, the OAuth endpoints, and the management of
 * OAuth clients and grants.
 *
 * Every method resolves to camelCase types (`.withResponse()` also gives the `Response` and the raw
 * body) and rejects with a `TelnyxApiError` (the server answered non-2xx) or a `TelnyxNetworkError`
 * (no answer: `network`, `timeout`, `aborted`). 408, 409, 429, 5xx, network errors and timeouts are
 * retried up to `maxRetries` times, waiting as `retry-after-ms`/`Retry-After` ask (giving up at once
 * when that is over 60 s), else 0.5 s doubling to 8 s with jitter; an `x-should-retry` header
 * overrides the status. Other 4xx are never retried. A POST that would act twice if sent twice
 * (`oauthClients.create`, `oauth.createGrant`, `oauth.register`, and `oauth.token` except with
 * `client_credentials`) is retried only after a 429 or a 503, which say the server did not act on
 * it: never after a timeout, a network error or another 5xx, when it may have. When the token source
 * itself fails (the core's `AuthError`, say, once the session has ended), the call rejects with that
 * error, unchanged.
 *
 * @throws {TypeError} on contradictory or malformed options.
 *
 * @example
 * ```ts
 * import { createAuthClient } from '@pkce-auth/core'
 * import { createTelnyxClient, telnyxAuthOptions } from '@pkce-auth/telnyx'
 *
 * const auth = createAuthClient(telnyxAuthOptions({ clientId, redirectUri, scope }))
 * const telnyx = createTelnyxClient({ auth })
 * for await (const grant of telnyx.oauthGrants.listAutoPaging()) console.log(grant.clientId)
 * ```
 */
export function createTelnyxClient(credentials: TelnyxCredentials = {}, options: TelnyxClientOptions = {}): TelnyxClient {
  const baseUrl = absoluteUrl(options.baseUrl ?? 'https://api.telnyx.com/v2', 'baseUrl')
  const wellKnownBaseUrl = absoluteUrl(options.wellKnownBaseUrl ?? baseUrl.origin, 'wellKnownBaseUrl')
  const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init))
  if (typeof fetchImpl !== 'function') throw new TypeError('"fetch" must be a function')

  const send = createTransport({
    baseUrl: baseUrl.href,
    wellKnownBaseUrl: wellKnownBaseUrl.href,
    maxRetries: Math.floor(nonNegativeOption(options.maxRetries, 'maxRetries', 2)),
    timeoutMs: nonNegativeOption(options.timeoutMs, 'timeoutMs', 60_000),
    fetch: fetchImpl,
    bearer: bearerSource(credentials),
  })

  return {
    wellKnown: createWellKnownResource(send),
    oauth: createOAuthResource(send),
    oauthClients: createOAuthClientsResource(send),
    oauthGrants: createOAuthGrantsResource(send),
  }
}
