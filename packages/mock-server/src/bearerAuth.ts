import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { telnyxErrorBody } from './errors'
import type { AccessTokenRecord } from './grantStore'
import type { ServerContext } from './serverContext'

/** The outcome of checking a request's bearer token. */
export type BearerResult = { ok: true; token: AccessTokenRecord } | { ok: false; response: Response }

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`

/**
 * Authenticates `Authorization: Bearer` (RFC 6750) and counts the request against the token's client's rate
 * limit. 401 with a `WWW-Authenticate` challenge when the token is missing (no error code, RFC 6750 §3.1) or
 * invalid, expired or revoked (`error="invalid_token"`); 403 `insufficient_scope` when `scope` is missing.
 */
export async function authenticateBearer(
  c: Context<AppEnv>,
  server: ServerContext,
  scope?: string,
): Promise<BearerResult> {
  const issuer = c.get('issuer')
  const challenge = [`realm=${quote(issuer)}`, `resource_metadata=${quote(`${issuer}/.well-known/oauth-protected-resource/v2`)}`]
  const header = c.req.header('authorization')
  if (!header) {
    c.header('WWW-Authenticate', `Bearer ${challenge.join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, 'An access token is required.'), 401) }
  }
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
  const token = match?.[1] ? await server.tokens.authenticate(match[1]) : undefined
  if (!token) {
    const description = 'The access token is invalid, expired or revoked'
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="invalid_token"', `error_description=${quote(description)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, `${description}.`), 401) }
  }
  const limited = server.rateLimiter.limit(c, token.clientId)
  if (limited) return { ok: false, response: limited }
  if (scope && !token.scopes.includes(scope)) {
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="insufficient_scope"', `scope=${quote(scope)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(403, `This action requires the "${scope}" scope.`), 403) }
  }
  if (token.grantId) server.grants.touch(token.grantId)
  return { ok: true, token }
}
