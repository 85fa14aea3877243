import { AuthError, toAuthError } from './authError'
import type { RetryOutcome } from './retryFetch'
import { OfflineError } from './retryFetch'

/**
 * Statuses that say, by their definition, that the server did not handle the request: 408 (it never
 * got the whole request), 429 (refused before handling: RFC 6585 §4) and 503 (unable to handle it now:
 * RFC 9110 §15.6.4). Any other 5xx (500, 502, 504) may come after the code was redeemed, by the server
 * or a server behind a gateway.
 */
const UNHANDLED = [408, 429, 503]

/**
 * Whether a code exchange may be sent again after `outcome`: only when the server answered that it
 * did not handle it (408, 429, 503; `Retry-After` honoured). A code is good once: a second exchange
 * of a code that was redeemed can only fail, and a strict server then revokes the tokens the first
 * one issued. A failure without a readable answer (a timeout, a dropped connection, a CORS refusal)
 * cannot tell whether the request reached the server: a browser shows a token endpoint refusing
 * this origin as a network error, after the server may have handled the POST.
 */
export const mayResendExchange = async (outcome: RetryOutcome) =>
  !!outcome.response && UNHANDLED.includes(outcome.response.status)

/**
 * The error a code exchange that got no readable answer rejects with: `exchange_failed`, not
 * retryable, saying what to check, at the token endpoint (the `url` of the request's error).
 * Offline before sending (nothing was sent) stays `network`. Any other failure is returned as it is.
 */
export function exchangeError(cause: unknown): AuthError {
  const error = toAuthError(cause)
  if (error.cause instanceof OfflineError || (error.code !== 'network' && error.code !== 'timeout')) return error
  // What to check per server (Keycloak's Web Origins, Entra's SPA redirect URI) is in the README.
  return new AuthError('exchange_failed', undefined, { cause: error, url: error.url })
}
