import * as oauth from 'oauth4webapi'
import { toAuthError } from './authError'
import type { HttpOptions } from './protocolFetch'

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
  http: (url: URL) => HttpOptions
  /** Reads the cached record while it is fresh (undefined when absent, expired, unreadable or of another version). */
  read: () => Promise<CachedMetadata | undefined>
  write: (record: CachedMetadata) => Promise<void>
}

/**
 * The authorization server's metadata, loaded once on first call: static, cached in storage, or
 * discovered (RFC 8414, then OpenID Connect Discovery where the RFC 8414 location has none). A failed
 * load is not kept: the next call tries again.
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
}: ServerMetadataOptions): () => Promise<oauth.AuthorizationServer> {
  let loading: Promise<oauth.AuthorizationServer> | undefined

  const discover = async (algorithm: 'oauth2' | 'oidc') =>
    oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...http(issuer), algorithm }))

  const load = async () => {
    let as = metadata ?? (await read())?.metadata
    if (!as) {
      as = await discover('oauth2').catch((error) => {
        // Not found (or not served) at the RFC 8414 location: try OpenID Connect Discovery. A server
        // that is down (or busy) says so, rather than through the second location's answer.
        if (error.code !== oauth.RESPONSE_IS_NOT_CONFORM || toAuthError(error).retryable) throw error
        return discover('oidc')
      })
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
