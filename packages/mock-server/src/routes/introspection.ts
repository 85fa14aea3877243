import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { clientRequest } from '../clientAuth'
import { oauthError } from '../errors'
import { epochSeconds } from '../randomToken'
import type { ServerContext } from '../serverContext'

/**
 * `POST /v2/oauth/introspect` (RFC 7662) and `POST /v2/oauth/revoke` (RFC 7009, our extension: Telnyx has no
 * revocation endpoint). Both authenticate the client like the token endpoint and accept form or JSON bodies.
 */
export function introspectionRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.post('/v2/oauth/introspect', async (c) => {
    const request = await clientRequest(c, server)
    if (!request.ok) return request.response
    const { params, client } = request
    if (!params.token) return oauthError(c, 400, 'invalid_request', 'token is required')
    c.header('Cache-Control', 'no-store')
    // A confidential client (a resource server) may introspect any token; a public client only its own.
    const visible = (clientId: string) => client.clientType === 'confidential' || clientId === client.clientId

    const access = await server.tokens.authenticate(params.token)
    if (access && visible(access.clientId)) {
      return c.json({
        active: true,
        token_type: 'Bearer',
        scope: access.scopes.join(' '),
        client_id: access.clientId,
        sub: access.sub,
        aud: access.aud,
        iss: access.iss,
        iat: access.issuedAt,
        exp: access.expiresAt,
        jti: access.jti,
      })
    }
    const refresh = server.grants.getRefreshToken(params.token)
    if (
      refresh &&
      visible(refresh.clientId) &&
      !refresh.revoked &&
      !refresh.rotated &&
      refresh.expiresAt > epochSeconds() &&
      server.grants.get(refresh.grantId)
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
