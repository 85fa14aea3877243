import type { AuthEvents } from './authEvents'
import type { AuthState } from './authState'

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
  /**
   * True when `url` (default: the current address; a relative one is resolved against it) is an
   * authorization response on `redirectUri`. False for a URL that cannot be resolved.
   */
  isRedirectCallback(url?: string | URL): boolean
  /**
   * Completes a sign-in on `redirectUri` (`url`, default: the current address; a relative one is
   * resolved against it, and one that cannot be rejects with `not_a_callback`): validates `state` and `iss`, exchanges the code, stores the
   * session and removes the response parameters from the address bar. Idempotent per URL: repeated
   * calls share one result and one token request. Rejects with `state_mismatch`, `access_denied`,
   * `invalid_grant`, `invalid_response`, `oauth_error`, `network`, `server_error` or `rate_limited`
   * (the state then says `callback_failed`, unless a session is in hand), or `exchange_failed` when the
   * code exchange got no readable answer (it is sent again only after a 408, 429 or 503: a code is good
   * once); with `not_a_callback`, and no change to the state, when `url` is not on `redirectUri` or
   * carries neither a `code` nor an `error` (an ordinary page, or one using `?code=` for itself); with
   * `login_required` when `signOut()` was called here before the session was stored (the sign-out wins:
   * nothing is stored, no other tab signs in). With `userInfo`, a failed userinfo request does not
   * reject: it shows as `error` on the signed-in state.
   * @see [RFC 9207 - Authorization Server Issuer Identification](https://www.rfc-editor.org/rfc/rfc9207)
   */
  handleRedirect(url?: string | URL): Promise<RedirectResult>
  /**
   * Resolves to a valid access token, from memory when possible, else by refreshing: one refresh at
   * a time per browser (a lock shared by the tabs; a token another tab obtained meanwhile is used
   * without a request). Rejects with `login_required` (signed out), `invalid_grant` (session ended:
   * signed out), or a retryable `network`/`timeout`/`server_error`/`rate_limited` (still signed in,
   * `error` set). Offline, it fails at once with `network` and refreshes when the browser is back online.
   */
  getAccessToken(options?: GetAccessTokenOptions): Promise<string>
  /**
   * The headers a request to a protected resource needs: `{ authorization: 'Bearer …' }`, or with the
   * `dpop` add-on `{ authorization: 'DPoP …', dpop: '<proof>' }`. How an HTTP client other than
   * `auth.fetch` (the Telnyx client, axios) sends the token. Gets the token as `getAccessToken`
   * (`options`) does, and rejects like it.
   * @example
   * ```ts
   * const headers = await auth.getAuthorizationHeaders({ method: 'GET', url: 'https://api.example.com/me' })
   * ```
   */
  getAuthorizationHeaders(request: { method?: string; url: string | URL }, options?: GetAccessTokenOptions): Promise<Record<string, string>>
  /**
   * `fetch` with `Authorization: Bearer`. On a 401 refusing the token (`invalid_token`, no error
   * code in the challenge, or no challenge), refreshes once (shared by the calls refused alike) and
   * retries once. Rejects like `getAccessToken` when there is no token, else like `fetch`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>
  /**
   * Signs out this tab at once; deletes the stored session and signs out every other tab once a
   * refresh under way in another tab has landed (so it cannot bring the session back); then revokes
   * the tokens, that refresh's too (failures ignored), and optionally redirects. A sign-in whose callback
   * is under way here is dropped (its `handleRedirect` rejects with `login_required`). Never rejects.
   */
  signOut(options?: SignOutOptions): Promise<void>
  /** The current state; the same object until something changes. */
  getState(): AuthState
  /**
   * Calls `listener` after every change; returns the unsubscribe function. While anyone listens
   * (here or with `on`), the client refreshes ahead of expiry and re-checks on `visibilitychange`,
   * `focus`, `online` and after the machine slept.
   */
  subscribe(listener: () => void): () => void
  /**
   * Calls `listener` with each `name` event ({@link AuthEvents}); returns the unsubscribe function.
   * Counts as a subscriber, like `subscribe`. A listener that throws is reported, never breaks the client.
   * @example
   * ```ts
   * auth.on('tokenRefreshed', ({ source }) => console.log('refreshed by', source))
   * ```
   */
  on<K extends keyof AuthEvents>(name: K, listener: (event: AuthEvents[K]) => void): () => void
  /** Stops every timer and listener and closes the channel to the other tabs; nothing runs in the background afterwards. */
  dispose(): void
}
