import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { AuthEvent, AuthState, SignOutReason } from './authState'
import { reduce } from './authState'
import type { AuthClientOptions } from './options'
import { isLoopback, resolveOptions } from './options'
import type { Session } from './session'
import { isSession, toSession } from './session'

/** Options of {@link AuthClient.signIn}. */
export interface SignInOptions {
  /** Any JSON value; kept in the sign-in transaction (never in the URL) and returned by `handleRedirect`. */
  appState?: unknown
  /** A same-origin path (`/settings?tab=2`) to return to; returned by `handleRedirect`. */
  returnTo?: string
  /** OpenID Connect `prompt`, e.g. `'login'` or `'consent'`. */
  prompt?: string
  /** A hint about the account to sign in with (`login_hint`). */
  loginHint?: string
  /** Scopes for this sign-in instead of the client's `scope`. */
  scope?: string
  /** Extra authorization request parameters for this sign-in. */
  extraParams?: Record<string, string>
}

/** What {@link AuthClient.handleRedirect} resolves to. */
export interface RedirectResult {
  appState?: unknown
  returnTo?: string
}

/** Options of {@link AuthClient.getAccessToken}. */
export interface GetAccessTokenOptions {
  /** Seconds the token must still be valid for; a token closer to expiry is refreshed. Default: `refreshLeewaySeconds`. */
  minValidity?: number
  /** Refresh even when the token in hand is still valid. */
  forceRefresh?: boolean
}

/** Options of {@link AuthClient.signOut}. */
export interface SignOutOptions {
  /** Revoke the refresh and access tokens at the server (RFC 7009), when it has a revocation endpoint. Default true. */
  revoke?: boolean
  /** Go to the server's end-session endpoint, when it has one. Default false. */
  redirect?: boolean
}

/** The client {@link createAuthClient} returns. Every method is a stable function: pass it around unbound. */
export interface AuthClient {
  /**
   * Starts a sign-in: stores a fresh transaction (PKCE S256 verifier, `state`, `nonce` with `openid`)
   * and navigates to the authorization endpoint. Rejects with `network`, `invalid_response`
   * (discovery) or `storage_unavailable`.
   * @see [RFC 7636 - PKCE](https://www.rfc-editor.org/rfc/rfc7636)
   */
  signIn(options?: SignInOptions): Promise<void>
  /** True when `url` (default: the current address) is an authorization response on `redirectUri`. */
  isRedirectCallback(url?: string | URL): boolean
  /**
   * Completes a sign-in on `redirectUri`: validates `state` and `iss`, exchanges the code, stores the
   * session and removes the response parameters from the address bar. Idempotent per URL: repeated
   * calls share one result and one token request. Rejects with `state_mismatch`, `access_denied`,
   * `invalid_grant`, `invalid_response`, `oauth_error`, `network`, `server_error` or `rate_limited`.
   * @see [RFC 9207 - Authorization Server Issuer Identification](https://www.rfc-editor.org/rfc/rfc9207)
   */
  handleRedirect(url?: string | URL): Promise<RedirectResult>
  /**
   * Resolves to a valid access token, from memory when possible, else by refreshing (one refresh at
   * a time). Rejects with `login_required` (signed out), `invalid_grant` (session ended: signed out),
   * or a retryable `network`/`server_error`/`rate_limited` (still signed in).
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>
  /**
   * `fetch` with `Authorization: Bearer`. On a 401 with `invalid_token`, refreshes once and retries
   * once. Rejects like `getAccessToken` when there is no token, else like `fetch`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /** Signs out locally at once, then revokes the tokens (failures ignored) and optionally redirects. Never rejects. */
  signOut(options?: SignOutOptions): Promise<void>
  /** The current state; the same object until something changes. */
  getState(): AuthState
  /** Calls `listener` after every change; returns the unsubscribe function. Starts the refresh timer. */
  subscribe(listener: () => void): () => void
  /** Stops timers and drops listeners. */
  dispose(): void
}

interface Transaction {
  v: 1
  verifier: string
  nonce?: string
  appState?: unknown
  returnTo?: string
  expiresAt: number
}

interface CachedMetadata {
  v: 1
  expiresAt: number
  metadata: oauth.AuthorizationServer
}

const TRANSACTION_TTL = 600_000
const RESPONSE_PARAMS = /^(code|state|iss|error.*)$/
const ignore = () => {}

/**
 * Creates a client for one authorization server and one public client. Validates the options at
 * once (`TypeError` naming the option) and starts restoring the session from storage.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({
 *   issuer: 'https://api.telnyx.com',
 *   clientId: 'my-public-client-id',
 *   redirectUri: `${location.origin}/callback`,
 *   scope: 'admin',
 * })
 * if (auth.isRedirectCallback()) await auth.handleRedirect()
 * ```
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = resolveOptions(options)
  const { clientId, redirectUri, storage, now, navigate, endpoints } = config
  const leeway = config.refreshLeewaySeconds * 1000
  const client: oauth.Client = { client_id: clientId }
  const issuer = new URL(config.issuer)
  const prefix = `pkce-auth:${config.issuer}:${clientId}:`
  const sessionKey = prefix + 'session'

  // Failed requests are marked at the source, so nothing else can be mistaken for `network`.
  const protocolFetch = (url: string, init: RequestInit) =>
    config.fetch(url, init).catch((cause) => {
      throw new AuthError('network', 'Request failed', { cause })
    })
  const http = (url?: string | URL) => ({
    [oauth.customFetch]: protocolFetch,
    [oauth.allowInsecureRequests]: isLoopback(url),
  })

  let state: AuthState = { status: 'loading' }
  let session = undefined as Session | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let refreshing: Promise<Session> | undefined
  let metadata: Promise<oauth.AuthorizationServer> | undefined
  const listeners = new Set<() => void>()
  const redirects = new Map<string, Promise<RedirectResult>>()

  const dispatch = (event: AuthEvent) => {
    const next = reduce(state, event)
    if (next !== state) {
      state = next
      listeners.forEach((listener) => listener())
    }
  }

  /** Reads a record written by this version; anything unreadable counts as absent. */
  const read = async <T>(key: string, isValid: (record: T) => boolean): Promise<T | undefined> => {
    try {
      const record = await storage.get<T & { v: unknown }>(key)
      return record?.v === 1 && isValid(record) ? record : undefined
    } catch {}
  }

  const fresh = (s: Session | undefined, ms = 0): s is Session => !!s && s.expiresAt - now() > ms

  // The refresh timer runs only while someone listens; it is a hint, `getAccessToken` re-checks.
  const schedule = () => {
    clearTimeout(timer)
    if (session && listeners.size) {
      const delay = Math.min(Math.max(session.expiresAt - now() - leeway, 0), 2 ** 31 - 1)
      timer = setTimeout(() => getAccessToken().then(schedule, ignore), delay)
    }
  }

  /** The one place where the session changes: memory, state, timer, storage (and, later, other tabs). */
  const commit = (next: Session | undefined, event: AuthEvent) => {
    session = next
    dispatch(event)
    schedule()
    // A session that cannot be stored still works in this tab.
    return (next ? storage.set(sessionKey, next) : storage.del(sessionKey)).catch(ignore)
  }
  const signedIn = (next: Session) =>
    commit(next, { type: 'signedIn', user: next.user, scope: next.scope, expiresAt: next.expiresAt })
  const signedOut = (reason?: SignOutReason, error?: AuthError) => commit(undefined, { type: 'signedOut', reason, error })

  /** Maps a failure to an `AuthError`, shows it in the state and rejects with it. */
  const fail = (cause: unknown): never => {
    const error = toAuthError(cause)
    dispatch({ type: 'failed', error })
    throw error
  }

  const ready = read<Session>(sessionKey, isSession).then((stored) =>
    stored && (stored.refreshToken || fresh(stored)) ? signedIn(stored) : signedOut(stored && 'session_expired'))

  /** The server's metadata: static, cached in storage, or discovered (RFC 8414, then OpenID Connect). */
  const server = () =>
    (metadata ??= loadMetadata().catch((error) => {
      metadata = undefined
      throw error
    }))

  const loadMetadata = async () => {
    const key = prefix + 'metadata'
    const discover = async (algorithm: 'oauth2' | 'oidc') =>
      oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http(issuer), algorithm }))
    let as = config.metadata ?? (await read<CachedMetadata>(key, (record) => record.expiresAt > now()))?.metadata
    if (!as) {
      as = await discover('oauth2').catch((error) => {
        // Not found (or not served) at the RFC 8414 location: try OpenID Connect Discovery.
        if (error.code !== oauth.RESPONSE_IS_NOT_CONFORM) throw error
        return discover('oidc')
      })
      storage.set(key, { v: 1, expiresAt: now() + config.discoveryCacheSeconds * 1000, metadata: as }).catch(ignore)
    }
    return {
      ...as,
      token_endpoint: endpoints.token ?? as.token_endpoint,
      revocation_endpoint: endpoints.revocation ?? as.revocation_endpoint,
    }
  }

  /** An endpoint from the metadata, as a URL, https unless on loopback. */
  const endpoint = (value: string | undefined) => {
    const url = new URL(value!)
    oauth.checkProtocol(url, !isLoopback(url))
    return url
  }

  /** Sends a token request and stores the validated response as the session. */
  const obtainTokens = async (
    request: (as: oauth.AuthorizationServer, options: ReturnType<typeof http>) => Promise<Response>,
    process: (as: oauth.AuthorizationServer, client: oauth.Client, response: Response) => Promise<oauth.TokenEndpointResponse>,
    previous?: Session,
  ) => {
    const as = await server()
    const response = await process(as, client, await request(as, http(as.token_endpoint)))
    const next = toSession(response, now(), config.scope || undefined, previous)
    // Signed out (or in again) while the request was in flight: this result is stale.
    if (session !== previous) throw new AuthError('login_required', 'Session changed')
    await signedIn(next)
    return next
  }

  const signIn = async ({ appState, returnTo, prompt, loginHint, scope = config.scope, extraParams }: SignInOptions = {}) => {
    if (returnTo !== undefined && !/^\/(?![/\\])/.test(returnTo)) throw new TypeError('"returnTo" must be a same-origin path')
    try {
      const url = endpoint((await server()).authorization_endpoint)
      const verifier = oauth.generateRandomCodeVerifier()
      const nonce = scope?.split(' ').includes('openid') ? oauth.generateRandomNonce() : undefined
      const params = {
        ...config.extraAuthorizationParams,
        ...extraParams,
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        scope,
        state: oauth.generateRandomState(),
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        nonce,
        resource: config.resource,
        prompt,
        login_hint: loginHint,
      }
      for (const [name, value] of Object.entries(params)) {
        for (const item of [value || []].flat()) url.searchParams.append(name, item)
      }
      const transaction: Transaction = { v: 1, verifier, nonce, appState, returnTo, expiresAt: now() + TRANSACTION_TTL }
      await storage.set(prefix + params.state, transaction).catch((cause) => {
        throw new AuthError('storage_unavailable', 'Cannot store the sign-in', { cause })
      })
      navigate(url.href)
    } catch (error) {
      fail(error)
    }
  }

  const isRedirectCallback = (url: string | URL = location.href) => {
    const { origin, pathname, searchParams } = new URL(url)
    const expected = new URL(redirectUri)
    return origin + pathname === expected.origin + expected.pathname && searchParams.has('state') &&
      (searchParams.has('code') || searchParams.has('error'))
  }

  const completeRedirect = async (url: URL): Promise<RedirectResult> => {
    await ready
    try {
      const expectedState = url.searchParams.get('state')!
      const key = prefix + expectedState
      const transaction = await read<Transaction>(key, (record) => record.expiresAt > now())
      if (!transaction) throw new AuthError('state_mismatch', 'Unknown or expired state')
      // One transaction, one code exchange.
      await storage.del(key).catch(ignore)
      const { nonce } = transaction
      await obtainTokens(
        (as, options) => oauth.authorizationCodeGrantRequest(as, client, oauth.None(),
          oauth.validateAuthResponse(as, client, url, expectedState), redirectUri, transaction.verifier, options),
        (as, client, response) =>
          oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: !!nonce }),
        session,
      )
      return { appState: transaction.appState, returnTo: transaction.returnTo }
    } catch (cause) {
      // A bad callback does not end a session that is still there.
      if (session) return fail(cause)
      const error = toAuthError(cause)
      dispatch({ type: 'signedOut', reason: 'callback_failed', error })
      throw error
    }
  }

  const handleRedirect = (url: string | URL = location.href) => {
    const href = String(url)
    let result = redirects.get(href)
    if (!result) {
      redirects.set(href, (result = completeRedirect(new URL(href))))
      // Whatever happens next, the response leaves the address bar, so a reload never replays it.
      // A second call reading the address (React StrictMode) finds the same result under the clean one.
      if (typeof location !== 'undefined' && location.href === href) {
        const clean = new URL(href)
        for (const name of [...clean.searchParams.keys()]) if (RESPONSE_PARAMS.test(name)) clean.searchParams.delete(name)
        history.replaceState(history.state, '', clean)
        redirects.set(location.href, result)
      }
    }
    return result
  }

  /** Exchanges the refresh token; concurrent callers share one request. */
  const refresh = () =>
    (refreshing ??= refreshSession().finally(() => {
      refreshing = undefined
    }))

  const refreshSession = async (): Promise<Session> => {
    const current = session
    try {
      if (!current?.refreshToken) throw new AuthError('login_required', 'Not signed in')
      return await obtainTokens(
        (as, options) => oauth.refreshTokenGrantRequest(as, client, oauth.None(), current.refreshToken!, options),
        oauth.processRefreshTokenResponse,
        current,
      )
    } catch (cause) {
      const error = toAuthError(cause)
      // The server ended the session, or it ran out with nothing to renew it.
      if (current && session === current && (error.code === 'invalid_grant' || (!current.refreshToken && !fresh(current)))) {
        await signedOut('session_expired', error)
      }
      return fail(error)
    }
  }

  const getAccessToken = async ({ minValidity, forceRefresh }: GetAccessTokenOptions = {}) => {
    const ms = minValidity === undefined ? leeway : minValidity * 1000
    // The hot path: no storage read, no await.
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    await ready
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    // A token that cannot be renewed is still worth using while it lasts.
    if (!session?.refreshToken && fresh(session)) return session.accessToken
    try {
      return (await refresh()).accessToken
    } catch (error) {
      // A refresh that failed for now does not take away a token that still works.
      if ((error as AuthError).retryable && !forceRefresh && fresh(session)) return session.accessToken
      throw error
    }
  }

  const authFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const send = async (forceRefresh?: boolean) => {
      // A clone per attempt keeps the body replayable.
      const attempt = request.clone()
      attempt.headers.set('authorization', `Bearer ${await getAccessToken({ forceRefresh })}`)
      return config.fetch(attempt)
    }
    const response = await send()
    return response.status === 401 && /invalid_token/.test(response.headers.get('www-authenticate')!)
      ? send(true)
      : response
  }

  const signOut = async ({ revoke = true, redirect = false }: SignOutOptions = {}) => {
    await ready
    const previous = session
    await signedOut('signed_out')
    try {
      const as = await server()
      if (revoke && previous && as.revocation_endpoint) {
        await Promise.all([previous.refreshToken, previous.accessToken].map(async (token) =>
          token && oauth.processRevocationResponse(
            await oauth.revocationRequest(as, client, oauth.None(), token, http(as.revocation_endpoint)))))
      }
      if (redirect && as.end_session_endpoint) {
        const url = endpoint(as.end_session_endpoint)
        for (const [name, value] of Object.entries({
          client_id: clientId,
          id_token_hint: previous?.idToken,
          post_logout_redirect_uri: config.postLogoutRedirectUri,
        })) if (value) url.searchParams.set(name, value)
        navigate(url.href)
      }
    } catch {
      // Signed out here already; a server that cannot be reached keeps the tokens until they expire.
    }
  }

  return {
    signIn,
    isRedirectCallback,
    handleRedirect,
    getAccessToken,
    fetch: authFetch,
    signOut,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      schedule()
      return () => {
        listeners.delete(listener)
        schedule()
      }
    },
    dispose() {
      listeners.clear()
      schedule()
    },
  }
}
