/**
 * Why no response arrived: `network` (the request failed or the body could not be read),
 * `timeout` (no complete response within `timeoutMs`), `aborted` (the caller's `signal` fired).
 */
export type TelnyxNetworkErrorCode = 'network' | 'timeout' | 'aborted'

/**
 * No HTTP response was received. `network` and `timeout` failures were already retried up to
 * `maxRetries` times, except for a POST that is not safe to repeat (a create, a grant, a
 * registration, a code or refresh-token exchange): the server may have acted on it, so it is not sent
 * again. `aborted` is never retried. The underlying error (or the signal's reason) is `cause`.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * const pending = telnyx.oauthGrants.list({}, { signal: controller.signal })
 * controller.abort()
 * await pending.catch((error) => {
 *   if (error instanceof TelnyxNetworkError && error.code === 'aborted') return
 *   throw error
 * })
 * ```
 */
export class TelnyxNetworkError extends Error {
  readonly code: TelnyxNetworkErrorCode
  /** Request method. */
  readonly method: string
  /** Request URL. */
  readonly url: string

  constructor(code: TelnyxNetworkErrorCode, method: string, url: string, options?: ErrorOptions) {
    const reason = code === 'timeout' ? 'timed out' : code === 'aborted' ? 'was aborted' : 'failed'
    super(`${method} ${url} ${reason}`, options)
    this.name = 'TelnyxNetworkError'
    this.code = code
    this.method = method
    this.url = url
  }
}
