import * as oauth from 'oauth4webapi'
import { errorMessage, originAndPath } from './errorMessage'
import { isResponse, redactSecrets } from './redactSecrets'

/**
 * What went wrong, as a caller would branch on it.
 *
 * - `state_mismatch`: the callback's `state` is unknown or expired (a sign-in started in another browser or over 10 minutes ago, a replayed or forged callback).
 * - `not_a_callback`: `handleRedirect()` was given a URL that is not an authorization response on `redirectUri`, or a relative one it could not resolve.
 * - `access_denied`: the user (or the server) declined the authorization request.
 * - `login_required`: there is no session to use; call `signIn()`. From `handleRedirect()`: `signOut()` was called before the sign-in was stored.
 * - `invalid_grant`: the server rejected the authorization code or refresh token; the session is over.
 * - `oauth_error`: the server answered with another OAuth error; see `error` and `error_description`.
 * - `invalid_response`: a response failed validation (wrong `iss`, malformed token response, bad ID token, bad metadata).
 * - `network`: the request did not complete (offline, DNS, CORS). Retryable.
 * - `timeout`: a request got no answer in time (each attempt has a timeout; HTTP 408), or another tab held the refresh lock too long. Retryable.
 * - `server_error`: the server failed (HTTP 5xx, `server_error`, `temporarily_unavailable`). Retryable.
 * - `rate_limited`: HTTP 429. Retryable.
 * - `storage_unavailable`: a record could not be written (IndexedDB blocked, quota, private mode).
 * - `exchange_failed`: the code exchange got no readable answer (a timeout, a dropped connection, or a
 *   token endpoint that refuses this origin: no CORS header). Not retryable: the code may be spent; sign in again.
 * - `popup_blocked`: the browser refused to open the sign-in window (`signInWithPopup` not called straight from a click).
 * - `popup_closed`: the sign-in window was closed before it answered, or (on its callback page) the page that opened it is gone.
 */
export type AuthErrorCode =
  | 'state_mismatch'
  | 'not_a_callback'
  | 'access_denied'
  | 'login_required'
  | 'invalid_grant'
  | 'oauth_error'
  | 'invalid_response'
  | 'network'
  | 'timeout'
  | 'server_error'
  | 'rate_limited'
  | 'storage_unavailable'
  | 'exchange_failed'
  | 'popup_blocked'
  | 'popup_closed'

/** Extra details an {@link AuthError} carries beside its code. */
export interface AuthErrorOptions {
  cause?: unknown
  /** HTTP status of the response that failed, if any. */
  status?: number
  /** The server's OAuth `error` code, as sent. */
  error?: string
  /** The server's `error_description`, as sent. */
  error_description?: string
  /** The URL of the request that failed (or of the page, for `not_a_callback`): origin and path only, never a query. */
  url?: string | URL
}

/**
 * The only error an {@link AuthClient} rejects with (besides `TypeError` for invalid arguments).
 * Check it with `instanceof AuthError` and branch on `code`; the underlying error (usually one of
 * oauth4webapi's) is kept as `cause`, with anything that could carry a token, an authorization code
 * or a PKCE verifier taken out. `message` is one sentence for people: what failed, where (origin and
 * path), what the server said and the likely cause; it never holds a secret, and may change, so
 * branch on `code`.
 *
 * @example
 * ```ts
 * try {
 *   await auth.handleRedirect()
 * } catch (e) {
 *   if (e instanceof AuthError && e.code === 'access_denied') showMessage('Sign-in was cancelled')
 * }
 * ```
 */
export class AuthError extends Error {
  declare readonly code: AuthErrorCode
  /** True for failures that may succeed when tried again later: `network`, `timeout`, `server_error`, `rate_limited`. */
  declare readonly retryable: boolean
  declare readonly status?: number
  declare readonly error?: string
  declare readonly error_description?: string
  /** The URL of the request that failed (or of the page, for `not_a_callback`): origin and path only. */
  declare readonly url?: string

  /** `message` defaults to a sentence made of the code and the options: the code is the contract, the message for people. */
  constructor(code: AuthErrorCode, message?: string, options: AuthErrorOptions = {}) {
    const url = originAndPath(options.url)
    super(message ?? errorMessage(code, { ...options, url }), options)
    // `cause` is already set by Error (non-enumerable); assigning it again keeps it so.
    Object.assign(this, { ...options, url }, {
      name: 'AuthError',
      code,
      retryable: ['network', 'timeout', 'server_error', 'rate_limited'].includes(code),
    })
    if (!url) delete (this as { url?: string }).url
  }
}

/**
 * Wraps any failure of a protocol step as an {@link AuthError}, keeping it as `cause`.
 * oauth4webapi's `ResponseBodyError` and `AuthorizationResponseError` carry the server's `error`;
 * its `OperationProcessingError` for an unexpected status carries the `Response` as `cause`, and its
 * `WWWAuthenticateChallengeError` the parsed challenges. A `TimeoutError` (a request's timeout, the
 * refresh lock's wait) becomes `timeout`. The endpoint is the `url` of the `Response` the error holds
 * (see `withUrl`), else `url`. What could carry a secret is taken out of `cause` first.
 */
export function toAuthError(cause: unknown, url?: string | URL): AuthError {
  if (cause instanceof AuthError) return cause
  const { code: from, cause: inner, name, response } = Object(cause)
  const answered = [cause, inner, response].find(isResponse)
  // oauth4webapi's own messages are fixed texts that quote no value: safe to show as the detail.
  const detail = cause instanceof oauth.OperationProcessingError || cause instanceof oauth.UnsupportedOperationError
    ? cause.message
    : undefined
  // A 401 with a `WWW-Authenticate` challenge, which oauth4webapi throws before reading the body, and
  // which names no error: a token endpoint's (Basic) says the client failed to authenticate (RFC 6749
  // §5.2); a resource's, the userinfo endpoint's (Bearer, DPoP), that the token was refused (RFC 6750 §3.1).
  const challenged = from === oauth.WWW_AUTHENTICATE_CHALLENGE
    ? inner[0].parameters.error ?? (inner[0].scheme == 'basic' ? 'invalid_client' : 'invalid_token')
    : undefined
  const { error = challenged, error_description, status = inner?.status } = Object(cause) as AuthErrorOptions
  const code =
    name === 'TimeoutError' || status === 408 ? 'timeout'
    : status === 429 ? 'rate_limited'
    : status! >= 500 ? 'server_error'
    : typeof error !== 'string' ? 'invalid_response'
    // OAuth `error` values with a code of their own; all others are `oauth_error`.
    : /^(access_denied|login_required|invalid_grant)$/.test(error) ? (error as AuthErrorCode)
    : /^(server_error|temporarily_unavailable)$/.test(error) ? 'server_error'
    : 'oauth_error'
  const facts = { status, error, error_description, url: answered?.url || url }
  return new AuthError(code, errorMessage(code, { ...facts, detail }), { cause: redactSecrets(cause), ...facts })
}
