import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { telnyxErrorBody } from './errors'
import type { ServerContext } from './serverContext'

/** Who a bearer credential speaks for: an OAuth access token of a client, or a Telnyx API key of a user. */
export interface BearerPrincipal {
  kind: 'accessToken' | 'apiKey'
  /** The user it acts for; `undefined` for a client-credentials token of a client no user made. */
  userId: string | undefined
  /** The client an access token was issued to; `undefined` for an API key. */
  clientId: string | undefined
  scopes: string[]
  grantId: string | undefined
}

/** The outcome of checking a request's bearer credential. */
export type BearerResult = { ok: true; token: BearerPrincipal } | { ok: false; response: Response }

/** What an endpoint accepts: the scope it needs, and whether a Telnyx API key may call it (with full rights). */
export interface BearerRequirement {
  scope?: string
  apiKey?: boolean
}

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`

/** The RFC 6750 §2.1 `b64token` of an `Authorization: Bearer` header, or `undefined`. */
export function bearerCredential(header: string | undefined): string | undefined {
  return header ? /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)?.[1] : undefined
}

/**
 * Authenticates `Authorization: Bearer` (RFC 6750): an access token whose grant and family are still
 * active, or, where `apiKey` is set, an API key. Counts the request against the caller's rate limit.
 * 401 with a `WWW-Authenticate` challenge when the credential is missing (no error code, RFC 6750 §3.1) or
 * invalid, expired or revoked (`error="invalid_token"`); 403 `insufficient_scope` when `scope` is missing,
 * and 403 for a token that acts for no user.
 */
export async function authenticateBearer(
  c: Context<AppEnv>,
  server: ServerContext,
  { scope, apiKey = false }: BearerRequirement = {},
): Promise<BearerResult> {
  const issuer = c.get('issuer')
  const challenge = [`realm=${quote(issuer)}`, `resource_metadata=${quote(`${issuer}/.well-known/oauth-protected-resource/v2`)}`]
  const header = c.req.header('authorization')
  if (!header) {
    c.header('WWW-Authenticate', `Bearer ${challenge.join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, 'An access token is required.'), 401) }
  }
  const credential = bearerCredential(header)
  const principal = credential === undefined ? undefined : await findPrincipal(server, credential, apiKey)
  if (!principal) {
    const description = 'The access token is invalid, expired or revoked'
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="invalid_token"', `error_description=${quote(description)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, `${description}.`), 401) }
  }
  const limited = server.rateLimiter.limit(c, principal.clientId === undefined ? `api-key:${principal.userId}` : `client:${principal.clientId}`)
  if (limited) return { ok: false, response: limited }
  if (scope && !principal.scopes.includes(scope)) {
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="insufficient_scope"', `scope=${quote(scope)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(403, `This action requires the "${scope}" scope.`), 403) }
  }
  if (principal.userId === undefined) {
    return { ok: false, response: c.json(telnyxErrorBody(403, 'This token acts for a client, not for a user.'), 403) }
  }
  if (principal.grantId) server.grants.touch(principal.grantId)
  return { ok: true, token: principal }
}

async function findPrincipal(server: ServerContext, credential: string, apiKey: boolean): Promise<BearerPrincipal | undefined> {
  if (apiKey) {
    const userId = server.apiKeys.userOf(credential)
    if (userId !== undefined) return { kind: 'apiKey', userId, clientId: undefined, scopes: ['admin'], grantId: undefined }
  }
  const token = await server.tokens.authenticate(credential)
  if (!token) return undefined
  return { kind: 'accessToken', userId: token.userId, clientId: token.clientId, scopes: token.scopes, grantId: token.grantId }
}
