/** What the previous attempt ended with: a response (408, 429, 5xx) or an error (network failure, timeout). */
export type RetryOutcome = { response: Response; error?: undefined } | { response?: undefined; error: unknown }

/** Options of {@link retryFetch}; the functions exist so tests can drive time and connectivity. */
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
  sleep?: (ms: number, signal?: AbortSignal | null) => Promise<void>
  random?: () => number
  now?: () => number
  isOnline?: () => boolean
  /** Resolves when the browser is back online; rejects when `signal` aborts. */
  waitForOnline?: (signal?: AbortSignal | null) => Promise<void>
}

const aborted = (signal?: AbortSignal | null) =>
  new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)))

/**
 * Wraps `fetch` so that network errors, timeouts, 408, 429 and 5xx are retried with exponential backoff
 * and full jitter, within a bounded number of attempts. A server's `retry-after-ms` or `Retry-After`
 * (seconds or an HTTP date) replaces the backoff. Every attempt has its own timeout, combined with the
 * caller's `signal`; a caller's abort is never retried. While offline (`navigator.onLine === false`)
 * nothing is sent: the next attempt waits for the `online` event, and that wait costs no attempt.
 * Other responses, 4xx included, are returned as they are. Bodies are sent again as given, so a
 * `ReadableStream` body is not supported (oauth4webapi sends `URLSearchParams`); a `Request` is cloned.
 *
 * Resolves to the last response; rejects with the last error (a `TypeError` for a network failure, a
 * `TimeoutError` `DOMException` for a timeout) or the caller's abort reason.
 *
 * @example
 * const response = await retryFetch(fetch)('https://as.example/token', { method: 'POST', body })
 */
export function retryFetch(fetchFn: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const {
    attempts = 4,
    timeoutMs = 10_000,
    baseMs = 500,
    maxDelayMs = 30_000,
    beforeRetry,
    sleep = (ms, signal) => Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), aborted(signal)]),
    random = Math.random,
    now = Date.now,
    isOnline = () => globalThis.navigator?.onLine !== false,
    waitForOnline = (signal) => Promise.race([new Promise<void>((resolve) => addEventListener('online', () => resolve(), { once: true })), aborted(signal)]),
  } = options

  return async (input, init = {}) => {
    const signal = init.signal ?? (input instanceof Request ? input.signal : null)
    for (let attempt = 1; ; attempt++) {
      while (!isOnline()) await waitForOnline(signal)
      signal?.throwIfAborted()
      const controller = new AbortController()
      const abort = () => controller.abort(signal!.reason)
      signal?.addEventListener('abort', abort)
      const timer = setTimeout(() => controller.abort(new DOMException('Timeout', 'TimeoutError')), timeoutMs)
      let outcome: RetryOutcome
      let delay = NaN
      try {
        const response = await fetchFn(input instanceof Request ? input.clone() : input, { ...init, signal: controller.signal })
        const { status, headers } = response
        if (status != 408 && status != 429 && status < 500) return response
        outcome = { response }
        const ms = headers.get('retry-after-ms')
        const after = headers.get('retry-after')
        if (ms) delay = +ms
        // Seconds, or else an HTTP date ("0" parses as a date in the past, which clamps to 0 all the same).
        else if (after) delay = +after * 1000 || Date.parse(after) - now()
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        outcome = { error }
      } finally {
        clearTimeout(timer)
        signal?.removeEventListener('abort', abort)
      }
      delay = Number.isNaN(delay) ? random() * Math.min(maxDelayMs, baseMs * 2 ** (attempt - 1)) : Math.max(0, delay)
      if (attempt >= attempts || delay > maxDelayMs || (beforeRetry && !(await beforeRetry(outcome, attempt)))) {
        if (outcome.response) return outcome.response
        throw outcome.error
      }
      // The response will not be read: free its connection.
      void outcome.response?.body?.cancel().catch(() => {})
      await sleep(delay, signal)
    }
  }
}
