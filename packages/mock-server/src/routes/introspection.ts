import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import type { Context } from 'hono'
import { bearerCredential } from '../bearerAuth'
import { clientRequest } from '../clientAuth'
import { oauthError } from '../errors'
import { epochSeconds } from '../randomToken'
import { readParams } from '../requestParams'
import type { ServerContext } from '../serverContext'

type Visible = (token: { clientId: string; userId: string | undefined }) => boolean
type Caller = { ok: true; params: Record<string, string>; visible: Visible } | { ok: false; response: Response }

/**
 * Who asks: a Telnyx API key as the bearer (as Telnyx's SDKs send it) sees its user's tokens and the tokens of
 * its user's clients;
 * otherwise the client authenticates as at the token endpoint, and a confidential client (a resource server)
 * sees any token, a public client only its own.
 */
async function introspectionCaller(c: Context<AppEnv>, server: ServerContext): Promise<Caller> {
  const header = c.req.header('authorization')
  if (header && /^bearer /i.test(header)) {
    const credential = bearerCredential(header)
    const userId = credential === undefined ? undefined : server.apiKeys.userOf(credential)
    if (userId === undefined) return { ok: false, response: oauthError(c, 401, 'invalid_client', 'Unknown API key') }
    const limited = server.rateLimiter.limit(c, `api-key:${userId}`)
    if (limited) return { ok: false, response: limited }
    const body = readParams(c)
    if (!body.ok) return { ok: false, response: oauthError(c, 400, 'invalid_request', body.description) }
    return { ok: true, params: body.value, visible: (token) => token.userId === userId || server.clients.get(token.clientId)?.userId === userId }
  }
  const request = await clientRequest(c, server)
  if (!request.ok) return request
  const { client } = request
  return { ok: true, params: request.params, visible: (token) => client.clientType === 'confidential' || token.clientId === client.clientId }
}

/**
 * `POST /v2/oauth/introspect` (RFC 7662) and `POST /v2/oauth/revoke` (RFC 7009, our extension: Telnyx has no
 * revocation endpoint). Both accept form or JSON bodies and authenticate the client like the token endpoint;
 * introspection also accepts an API key as the bearer.
 */
export function introspectionRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.post('/v2/oauth/introspect', async (c) => {
    const caller = await introspectionCaller(c, server)
    if (!caller.ok) return caller.response
    const { params, visible } = caller
    if (!params.token) return oauthError(c, 400, 'invalid_request', 'token is required')
    c.header('Cache-Control', 'no-store')

    const access = await server.tokens.authenticate(params.token)
    if (access && visible(access)) {
      return c.json({
        active: true,
        token_type: access.jkt === undefined ? 'Bearer' : 'DPoP',
        scope: access.scopes.join(' '),
        client_id: access.clientId,
        sub: access.sub,
        aud: access.aud,
        iss: access.iss,
        iat: access.issuedAt,
        exp: access.expiresAt,
        jti: access.jti,
        ...(access.jkt === undefined ? {} : { cnf: { jkt: access.jkt } }),
      })
    }
    const refresh = server.grants.getRefreshToken(params.token)
    if (
      refresh &&
      visible(refresh) &&
      !refresh.revoked &&
      !refresh.rotated &&
      refresh.expiresAt > epochSeconds() &&
      server.grants.isActive(refresh)
    ) {
      return c.json({
        active: true,
        token_type: 'refresh_token',
        scope: refresh.scopes.join(' '),
        client_id: refresh.clientId,
        sub: refresh.userId,
        iss: c.get('issuer'),
        iat: refresh.issuedAt,
        exp: refresh.expiresAt,
        ...(refresh.jkt === undefined ? {} : { cnf: { jkt: refresh.jkt } }),
      })
    }
    return c.json({ active: false })
  })

  app.post('/v2/oauth/revoke', async (c) => {
    const request = await clientRequest(c, server)
    if (!request.ok) return request.response
    const { params, client } = request
    if (!params.token) return oauthError(c, 400, 'invalid_request', 'token is required')
    // token_type_hint is only a hint (RFC 7009 §2.1): both kinds are looked up either way.
    const access = await server.tokens.authenticate(params.token)
    if (access && access.clientId === client.clientId) access.revoked = true
    const refresh = server.grants.getRefreshToken(params.token)
    // §2.1: revoking a refresh token also invalidates the access tokens of the same grant (its family).
    if (refresh && refresh.clientId === client.clientId) server.grants.revokeFamily(refresh.familyId)
    // §2.2: 200 whether or not the token was known (or was another client's, which is left alone).
    c.header('Cache-Control', 'no-store')
    return c.body(null, 200)
  })
}
