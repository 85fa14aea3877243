import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import type { MockClient } from './clientStore'
import { oauthError } from './errors'
import { readParams } from './requestParams'
import type { ServerContext } from './serverContext'

/** How a client authenticated (RFC 6749 §2.3). */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

/** The client a request claims to be, before its credentials are checked. */
export type ClaimedClient =
  | { ok: true; clientId: string; secret: string | undefined; method: ClientAuthMethod }
  | { ok: false; response: Response }

/** Reads the client's identity from HTTP Basic (RFC 6749 §2.3.1: form-urlencoded parts) or the body. */
export function claimedClient(c: Context<AppEnv>, params: Record<string, string>): ClaimedClient {
  const header = c.req.header('authorization')
  if (header && /^basic /i.test(header)) {
    let id: string
    let secret: string
    try {
      const decoded = atob(header.slice(6).trim())
      const colon = decoded.indexOf(':')
      if (colon < 0) throw new Error('no colon')
      id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '))
    } catch {
      return { ok: false, response: oauthError(c, 401, 'invalid_client', 'Malformed HTTP Basic credentials') }
    }
    if (params.client_secret !== undefined) {
      return { ok: false, response: oauthError(c, 400, 'invalid_request', 'Use one client authentication method, not two') }
    }
    if (params.client_id !== undefined && params.client_id !== id) {
      return { ok: false, response: oauthError(c, 400, 'invalid_request', 'client_id does not match the Basic credentials') }
    }
    return { ok: true, clientId: id, secret, method: 'client_secret_basic' }
  }
  if (!params.client_id) {
    return { ok: false, response: oauthError(c, 401, 'invalid_client', 'Client authentication is required (client_id)') }
  }
  const secret = params.client_secret
  return { ok: true, clientId: params.client_id, secret, method: secret === undefined ? 'none' : 'client_secret_post' }
}

/** Checks a claimed client's credentials: confidential clients need their secret, public ones must send none. */
export function verifyClient(
  c: Context<AppEnv>,
  server: ServerContext,
  claimed: { clientId: string; secret: string | undefined },
): { ok: true; client: MockClient } | { ok: false; response: Response } {
  const client = server.clients.get(claimed.clientId)
  if (!client) return { ok: false, response: oauthError(c, 401, 'invalid_client', 'Unknown client') }
  if (client.clientType === 'public') {
    if (claimed.secret !== undefined) {
      return { ok: false, response: oauthError(c, 401, 'invalid_client', 'A public client has no secret') }
    }
    return { ok: true, client }
  }
  if (claimed.secret === undefined || !sameString(claimed.secret, client.clientSecret ?? '')) {
    return { ok: false, response: oauthError(c, 401, 'invalid_client', 'Client authentication failed') }
  }
  return { ok: true, client }
}

/** Compares without an early exit, as a real server must for secrets. */
function sameString(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0)
  return difference === 0
}

/**
 * The common front of the token, introspection and revocation endpoints: parse the body, identify the
 * client, count it against its rate limit (before checking its secret, so guessing is limited too), then
 * verify its credentials. Only a client that exists gets a window of its own: every unknown `client_id`
 * shares one, so made-up ids cannot grow the limiter's memory.
 */
export async function clientRequest(
  c: Context<AppEnv>,
  server: ServerContext,
): Promise<{ ok: true; params: Record<string, string>; client: MockClient } | { ok: false; response: Response }> {
  const body = readParams(c)
  if (!body.ok) return { ok: false, response: oauthError(c, 400, 'invalid_request', body.description) }
  const params = body.value
  const claimed = claimedClient(c, params)
  const key = claimed.ok && server.clients.get(claimed.clientId) ? `client:${claimed.clientId}` : 'unknown-client'
  const limited = server.rateLimiter.limit(c, key)
  if (limited) return { ok: false, response: limited }
  if (!claimed.ok) return claimed
  const verified = verifyClient(c, server, claimed)
  if (!verified.ok) return verified
  return { ok: true, params, client: verified.client }
}
