import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { ClientParts } from './internals'
import type { RetryOutcome } from './retryFetch'
import { OfflineError, sleep } from './retryFetch'

/** Discovered metadata as kept in storage. */
export interface CachedMetadata {
  v: 1
  expiresAt: number
  metadata: oauth.AuthorizationServer
}

/**
 * The authorization server's metadata, loaded once on first call: static, cached in storage, or
 * discovered (RFC 8414, then OpenID Connect Discovery where the RFC 8414 location has none). A failed
 * load is not kept: the next call tries again.
 *
 * A browser shows a 404 without CORS headers (what many servers answer at a location they do not
 * serve) as a network error, like a server that is down. So when the RFC 8414 request gets no readable
 * answer, the OpenID location is asked before any retry, and both are retried only when both fail;
 * the final error names both URLs. Static `metadata` means no discovery and no cache; `endpoints`
replace the metadata's (a token proxy); `retry.attempts` bounds the rounds of asking both locations.
 *
 * @see [RFC 8414 - OAuth 2.0 Authorization Server Metadata](https://www.rfc-editor.org/rfc/rfc8414.html)
 */
export function createServerMetadata({ config, http, sessions, prefix }: ClientParts): () => Promise<oauth.AuthorizationServer> {
  const { metadata, endpoints, discoveryCacheSeconds, now, retry } = config
  const issuer = new URL(config.issuer)
  const key = prefix + 'metadata'
  let loading: Promise<oauth.AuthorizationServer> | undefined

  const discover = async (algorithm: 'oauth2' | 'oidc', beforeRetry?: (outcome: RetryOutcome) => Promise<boolean>) =>
    oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http(issuer, beforeRetry), algorithm }))
  // Answers (5xx, 429) are retried as usual; a request without one is not: the other location comes first.
  const answered = async (outcome: RetryOutcome) => !!outcome.response

  const discoverEither = async () => {
    for (let round = 1; ; round++) {
      let first: AuthError
      try {
        return await discover('oauth2', answered)
      } catch (error) {
        first = toAuthError(error)
        // Not found at the RFC 8414 location: try OpenID Connect Discovery. A server that is down (or
        // busy) says so, rather than through the second location's answer. Offline, nothing was sent.
        if (isNotFound(error)) return discover('oidc')
        if (!unanswered(first) || first.cause instanceof OfflineError) throw first
      }
      let second: AuthError
      try {
        return await discover('oidc', answered)
      } catch (error) {
        second = toAuthError(error)
        // An answer other than "not here" (a 5xx after its retries, metadata that fails validation) is the news.
        if (!unanswered(second) && !isNotFound(error)) throw second
      }
      if (round >= (retry.attempts ?? 4) || second.cause instanceof OfflineError) {
        const last = unanswered(second) ? second : first
        // Each error names the location it came from: RFC 8414's (path inserted after the well-known
        // prefix), then OpenID Connect's (appended).
        throw new AuthError(
          last.code,
          `Discovery got no readable answer at ${first.url}, nor at ${second.url}: down, or no CORS header (a 404 ` +
            'without one looks the same); check the issuer, or pass `metadata`.',
          { cause: last.cause ?? last, url: first.url },
        )
      }
      await sleep(Math.random() * 500 * 2 ** (round - 1))
    }
  }

  const load = async () => {
    // The cached record while it is fresh (none when absent, expired, unreadable or of another version).
    let as = metadata ?? (await sessions.read<CachedMetadata>(key, (record) => record.expiresAt > now()))?.metadata
    if (!as) {
      as = await discoverEither()
      sessions.storage.set(key, { v: 1, expiresAt: now() + discoveryCacheSeconds * 1000, metadata: as }).catch(() => {})
    }
    return {
      ...as,
      token_endpoint: endpoints.token ?? as.token_endpoint,
      revocation_endpoint: endpoints.revocation ?? as.revocation_endpoint,
    }
  }

  return () =>
    (loading ??= load().catch((error) => {
      loading = undefined
      throw error
    }))
}

/** A readable answer saying there is no metadata there (a 404, or anything but a retryable status). */
const isNotFound = (error: unknown) => Object(error).code === oauth.RESPONSE_IS_NOT_CONFORM && !toAuthError(error).retryable

/** A request that got no readable answer: a network error (CORS included) or a timeout, no HTTP status. */
const unanswered = (error: AuthError) => (error.code === 'network' || error.code === 'timeout') && error.status === undefined
