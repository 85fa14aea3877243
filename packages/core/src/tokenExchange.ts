import type * as oauth from 'oauth4webapi'
import type { ClientParts } from './internals'
import type { HttpOptions } from './protocolFetch'
import type { RetryOutcome } from './retryFetch'
import type { Session } from './session'
import { toSession } from './session'

/** How one token request is sent, and how its response is validated (an oauth4webapi request/process pair). */
export interface TokenRequest {
  send: (as: oauth.AuthorizationServer, options: HttpOptions & Pick<oauth.TokenEndpointRequestOptions, 'additionalParameters' | 'DPoP'>) => Promise<Response>
  process: (as: oauth.AuthorizationServer, client: oauth.Client, response: Response) => Promise<oauth.TokenEndpointResponse>
  /** The session the response renews (what it leaves out is kept from it); none for a sign-in. */
  previous?: Session
  /** What was asked for, which a response without `scope` was granted (RFC 6749 §5.1). */
  requested?: string
  beforeRetry?: (outcome: RetryOutcome) => Promise<boolean>
  signal?: AbortSignal
}

/**
 * Sends a token request to the token endpoint and turns the response, once oauth4webapi has
 * validated it, into a session. Nothing is stored: the caller decides where the session goes. A
 * response without `scope` was granted what was asked for: the request's, else the client's scope.
 */
export function createTokenExchange({ server, http, client, prove, config: { now, scope, resource } }: ClientParts) {
  // RFC 8707 §2.2: the resources go with every token request too, else the token is not for them.
  const additionalParameters = [resource ?? []].flat().map((value) => ['resource', value])
  return async ({ send, process, previous, requested = scope, beforeRetry, signal }: TokenRequest) => {
    const as = await server()
    const response = await prove(async (dpop) =>
      process(as, client, await send(as, { ...http(as.token_endpoint, beforeRetry, signal), additionalParameters, ...dpop })))
    return toSession(response, now(), requested || undefined, previous)
  }
}

export type TokenExchange = ReturnType<typeof createTokenExchange>
