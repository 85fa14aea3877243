import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { HttpOptions } from './protocolFetch'
import type { RetryOutcome } from './retryFetch'
import { OfflineError } from './retryFetch'

/** Discovered metadata as kept in storage. */
export interface CachedMetadata {
  v: 1
  expiresAt: number
  metadata: oauth.AuthorizationServer
}

/** What {@link createServerMetadata} needs: the client's options, how to send, and where the cache lives. */
export interface ServerMetadataOptions {
  issuer: URL
  /** Static metadata: no discovery, no cache. */
  metadata?: oauth.AuthorizationServer
  /** Endpoints that replace the metadata's (a token proxy). */
  endpoints: { token?: string; revocation?: string }
  discoveryCacheSeconds: number
  now: () => number
  /** How to send; `beforeRetry` resolving false stops the retries of that request. */
  http: (url: URL, beforeRetry?: (outcome: RetryOutcome) => Promise<boolean>) => HttpOptions
  /** Rounds of asking both locations when neither gives a readable answer (default 4). */
  retry?: { attempts?: number }
  /** Waits between those rounds; for tests. */
  sleep?: (ms: number) => Promise<void>
  /** Reads the cached record while it is fresh (undefined when absent, expired, unreadable or of another version). */
  read: () => Promise<CachedMetadata | undefined>
  write: (record: CachedMetadata) => Promise<void>
}

/**
 * The authorization server's metadata, loaded once on first call: static, cached in storage, or
 * discovered (RFC 8414, then OpenID Connect Discovery where the RFC 8414 location has none). A failed
 * load is not kept: the next call tries again.
 *
 * A browser shows a 404 without CORS headers (what many servers answer at a location they do not
 * serve) as a network error, like a server that is down. So when the RFC 8414 request gets no readable
 * answer, the OpenID location is asked before any retry, and both are retried only when both fail;
 * the final error names both URLs.
 *
 * @see [RFC 8414 - OAuth 2.0 Authorization Server Metadata](https://www.rfc-editor.org/rfc/rfc8414.html)
 */
export function createServerMetadata({
  issuer,
  metadata,
  endpoints,
  discoveryCacheSeconds,
  now,
  http,
  read,
  write,
  retry = {},
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}: ServerMetadataOptions): () => Promise<oauth.AuthorizationServer> {
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
        throw new AuthError(
          last.code,
          `Discovery got no readable answer at ${locations(issuer).join(', nor at ')}: unreachable, or no CORS header (a 404 ` +
            'without one looks the same); check the issuer, or pass the `metadata` option.',
          { cause: last.cause ?? last, url: locations(issuer)[0] },
        )
      }
      await sleep(Math.random() * 500 * 2 ** (round - 1))
    }
  }

  const load = async () => {
    let as = metadata ?? (await read())?.metadata
    if (!as) {
      as = await discoverEither()
      write({ v: 1, expiresAt: now() + discoveryCacheSeconds * 1000, metadata: as }).catch(() => {})
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

/** The RFC 8414 location (path inserted after the well-known prefix) and the OpenID Connect one (appended). */
function locations(issuer: URL) {
  const path = issuer.pathname === '/' ? '' : issuer.pathname
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, issuer).href,
    new URL(`${path.replace(/\/$/, '')}/.well-known/openid-configuration`, issuer).href,
  ]
}
