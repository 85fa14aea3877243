import type { ApiKeyStore } from './apiKeys'
import type { ClientStore } from './clientStore'
import type { ConsentStore } from './consentStore'
import type { DpopVerifier } from './dpopProof'
import type { FaultStore } from './faultStore'
import type { GrantStore } from './grantStore'
import type { MockServerConfig } from './mockServerOptions'
import type { PortalSessionStore } from './portalSessions'
import type { RateLimiter } from './rateLimiter'
import type { RequestLog } from './requestLog'
import type { SigningKeys } from './signingKeys'
import type { TokenIssuer } from './tokenIssuer'
import type { UserStore } from './userStore'

/** Everything the routes share: configuration, stores and the token machinery. */
export interface ServerContext {
  config: MockServerConfig
  clients: ClientStore
  users: UserStore
  grants: GrantStore
  consents: ConsentStore
  keys: SigningKeys
  tokens: TokenIssuer
  faults: FaultStore
  requests: RequestLog
  rateLimiter: RateLimiter
  /** One window for all of `/register`, which anyone may call. */
  registrationLimiter: RateLimiter
  portalSessions: PortalSessionStore
  apiKeys: ApiKeyStore
  /** Present when DPoP is on. */
  dpop: DpopVerifier | undefined
}

/** Scopes the server advertises: the defaults plus every scope a client may ask for. */
export function supportedScopes(server: ServerContext): string[] {
  const scopes = new Set(['admin', 'openid', 'profile', 'email'])
  for (const client of server.clients.list()) for (const scope of client.allowedScopes) scopes.add(scope)
  return [...scopes]
}
