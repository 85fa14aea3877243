// Retry rules shared with Telnyx's own SDKs (see reference/telnyx-oauth.md §5).

const initialDelayMs = 500
const maxBackoffMs = 8_000
/** A server asking for a longer wait than this is not waited for: the error goes to the caller instead. */
export const maxServerDelayMs = 60_000

/**
 * Whether a response with this status and headers is worth sending again. A request that is not
 * `idempotent` (a create, a code exchange) is sent again only after a 429 or a 503, which say the
 * server did not act on it: after a 500 or a 504 it may have, and a second copy would act twice.
 */
export function isRetryableResponse(response: Response, idempotent: boolean): boolean {
  // The server's explicit verdict wins over the status.
  const verdict = response.headers.get('x-should-retry')
  if (verdict === 'true') return true
  if (verdict === 'false') return false
  const { status } = response
  if (!idempotent) return status === 429 || status === 503
  return status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * The wait the server asked for, in milliseconds: `retry-after-ms` first, then `Retry-After` as
 * seconds or an HTTP date; `undefined` when it asked for nothing readable.
 */
export function serverRetryDelayMs(headers: Headers, now: number): number | undefined {
  const milliseconds = Number.parseFloat(headers.get('retry-after-ms') ?? '')
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds
  const retryAfter = headers.get('retry-after')?.trim()
  if (!retryAfter) return undefined
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * Exponential backoff for retry number `retry` (0 for the first retry): 0.5 s doubling up to 8 s,
 * less up to 25 % jitter so that many clients do not retry in lockstep.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const delay = Math.min(initialDelayMs * 2 ** retry, maxBackoffMs)
  return delay * (1 - random() * 0.25)
}
