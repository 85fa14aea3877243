/** What the previous attempt ended with: a response (408, 429, 5xx) or an error (network failure, timeout). */
export type RetryOutcome = { response: Response; error?: undefined } | { response?: undefined; error: unknown }

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** True when the browser says it is offline: nothing is sent then, and the client tries again on `online`. */
export const isOffline = () => globalThis.navigator?.onLine === false

/** What {@link retryFetch} rejects with when the browser is offline before an attempt: that attempt was never sent. */
export class OfflineError extends TypeError {
  constructor() {
    super('Offline: the request was not sent')
  }
}

/** Options of {@link retryFetch}; `sleep` and `random` exist so tests can drive time. */
export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  attempts?: number
  /** Timeout of each attempt, in ms; on expiry the attempt fails with a `TimeoutError` `DOMException`. Default 10,000. */
  timeoutMs?: number
  /** Backoff base in ms: the delay before retry n is random in [0, baseMs * 2^(n-1)). Default 500. */
  baseMs?: number
  /** Longest wait before a retry, in ms. A server asking for longer (`Retry-After`) gets its response back instead. Default 30,000. */
  maxDelayMs?: number
  /**
   * Asked before every retry; resolve `false` to stop and settle with `outcome` (the response, or the
   * error thrown). A refresh uses it to re-read storage first: after a timeout or a network error the
   * server may have rotated the refresh token already, so a retry may present a spent token.
   */
  beforeRetry?: (outcome: RetryOutcome, attempt: number) => boolean | Promise<boolean>
  /** Stops the attempt under way and any retry: the call rejects with the signal's `reason`. */
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
  random?: () => number
}

/**
 * Wraps `fetch` so that network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff
 * and full jitter, within a bounded number of attempts. A server's `retry-after-ms` or `Retry-After`
 * (seconds or an HTTP date) replaces the backoff. Every attempt has its own timeout, body included. While offline
 * (`navigator.onLine === false`) nothing is sent: it rejects at once with an {@link OfflineError}, and the
 * caller tries again on `online`. Other responses, 4xx included, are returned as they are. It is made
 * for oauth4webapi's requests: a URL and a replayable body (`URLSearchParams`), no caller `signal`.
 *
 * Resolves to the last response; rejects with the last error (a `TypeError` for a network failure, a
 * `TimeoutError` `DOMException` for a timeout).
 *
 * @example
 * const response = await retryFetch(fetch)('https://as.example/token', { method: 'POST', body })
 */
export function retryFetch(
  fetchFn: (input: string | URL, init: RequestInit) => Promise<Response>,
  {
    attempts = 4,
    timeoutMs = 10_000,
    baseMs = 500,
    maxDelayMs = 30_000,
    beforeRetry,
    signal,
    sleep: wait = sleep,
    random = Math.random,
  }: RetryOptions = {},
) {
  return async (input: string | URL, init?: RequestInit): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted()
      if (isOffline()) throw new OfflineError()
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(new DOMException('Timeout', 'TimeoutError')), timeoutMs)
      // The call's signal stops the attempt (and below, the wait). Its listeners, two per attempt at most,
      // are not removed: once their attempt or wait is over, an abort through them stops nothing.
      signal?.addEventListener('abort', () => controller.abort(signal.reason))
      let delay = random() * Math.min(maxDelayMs, baseMs * 2 ** (attempt - 1))
      let outcome: RetryOutcome
      try {
        const response = await fetchFn(input, { ...init, signal: controller.signal })
        const { status, headers } = response
        if (status != 408 && status != 429 && status < 500) {
          // Read before the timer stops, so that a body stalling after the headers times out too. A
          // redirect not followed (status 0) and the null-body statuses have nothing to read.
          return status < 200 || [204, 205, 304].includes(status)
            ? response
            : new Response(await response.arrayBuffer(), response)
        }
        outcome = { response }
        // Seconds, or else an HTTP date ("0" parses as a date in the past, which clamps to 0 all the same).
        const after = headers.get('retry-after')
        const asked = +headers.get('retry-after-ms')! || (after ? +after * 1000 || Date.parse(after) - Date.now() : NaN)
        if (asked == asked) delay = Math.max(asked, 0)
      } catch (error) {
        outcome = { error }
      } finally {
        clearTimeout(timer)
      }
      const again = attempt < attempts && delay <= maxDelayMs && (!beforeRetry || (await beforeRetry(outcome, attempt)))
      // Stopped during the attempt, or while beforeRetry looked: no retry, and no wait for one.
      signal?.throwIfAborted()
      if (!again) {
        if (outcome.response) return outcome.response
        throw outcome.error
      }
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason))
        void wait(delay).then(resolve)
      })
    }
  }
}
