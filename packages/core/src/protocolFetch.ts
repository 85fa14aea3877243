import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import { isLoopback } from './options'
import { withUrl } from './redactSecrets'
import type { RetryOptions, RetryOutcome } from './retryFetch'
import { retryFetch } from './retryFetch'

/** What oauth4webapi's request functions take: how to send, and whether plain http is allowed. */
export type HttpOptions = ReturnType<ReturnType<typeof protocolFetch>>

/** A request to `url` that did not complete: `timeout` when an attempt ran out of time, else `network`. */
const requestError = (cause: unknown, url: string) =>
  cause instanceof AuthError || Object(cause).name === 'TimeoutError' ? toAuthError(cause, url) : new AuthError('network', undefined, { cause, url })

/**
 * How the client sends its protocol requests (discovery, token, revocation; never the app's API
 * calls): through `fetchFn` with {@link retryFetch} (network errors, timeouts, 408, 429 and 5xx,
 * `Retry-After` honoured), plain http only on loopback. Offline, a request fails at once with
 * `network` instead of waiting: no promise the app holds hangs, and the client refreshes on `online`.
 * Failures reject with an `AuthError`; `onRetry` hears of each attempt that is tried again. Responses
 * carry the URL they came from (`withUrl`), so that an error about one names the endpoint.
 *
 * Returns a function of the request's URL and, for a refresh, a `beforeRetry` check and a `signal`
 * that stops it (see `RetryOptions`).
 */
export function protocolFetch(
  fetchFn: (input: string | URL, init: RequestInit) => Promise<Response>,
  options: RetryOptions,
  onRetry: (error: AuthError) => void,
) {
  return (url?: string | URL, beforeRetry?: (outcome: RetryOutcome) => Promise<boolean>, signal?: AbortSignal) => ({
    [oauth.customFetch]: (input: string, init: RequestInit) =>
      retryFetch(fetchFn, {
        ...options,
        signal,
        async beforeRetry(outcome) {
          if ((beforeRetry && !(await beforeRetry(outcome))) || signal?.aborted) return false
          onRetry(outcome.response ? toAuthError(withUrl(outcome.response, input)) : requestError(outcome.error, input))
          return true
        },
      })(input, init).then((response) => withUrl(response, input), (cause) => {
        throw requestError(cause, input)
      }),
    [oauth.allowInsecureRequests]: isLoopback(url),
  })
}
