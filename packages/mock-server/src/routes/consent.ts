import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { approveAuthorization, consentingUser, denyAuthorization } from '../authorizationResponse'
import { authenticateBearer } from '../bearerAuth'
import { consentPage } from '../consentPage'
import { apiError, htmlErrorPage } from '../errors'
import { readJsonObject } from '../requestParams'
import type { ServerContext } from '../serverContext'

const scopeDescriptions: Record<string, string> = {
  admin: 'Administrative access to Telnyx resources',
  openid: 'Sign you in with your Telnyx identity',
  profile: 'Your name',
  email: 'Your email address',
}

/** The portal's own client: the consent page's bearer token is issued to it. */
export const portalClientId = 'mock-portal'

/**
 * The consent flow as Telnyx's portal runs it: the page, `GET /v2/oauth/consent/{consent_token}` (what to show)
 * and `POST /v2/oauth/grants` (the decision), both called with the signed-in user's bearer token.
 */
export function consentRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/v2/oauth/consent-page', async (c) => {
    const consentToken = c.req.query('consent_token') ?? ''
    const pending = server.consents.get(consentToken)
    if (!pending) return htmlErrorPage(c, 400, 'invalid_request', 'The consent request is unknown or has expired.')
    // The mock has no login: the page carries a short-lived token of the signed-in user (or of login_hint's user).
    const user = consentingUser(server, pending)
    const portalToken = await server.tokens.accessToken({
      issuer: c.get('issuer'),
      clientId: portalClientId,
      userId: user.id,
      sub: user.id,
      scopes: ['admin'],
    })
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    return c.html(consentPage(consentToken, portalToken, user.name))
  })

  app.get('/v2/oauth/consent/:consentToken', async (c) => {
    const auth = await authenticateBearer(c, server)
    if (!auth.ok) return auth.response
    const pending = server.consents.get(c.req.param('consentToken'))
    const client = pending && server.clients.get(pending.clientId)
    if (!pending || !client) {
      return apiError(c, 422, 'The consent token is invalid or expired.', { parameter: 'consent_token' })
    }
    return c.json({
      data: {
        client_id: client.clientId,
        name: client.name,
        logo_uri: client.logoUri,
        policy_uri: client.policyUri,
        tos_uri: client.tosUri,
        redirect_uri: pending.redirectUri,
        verified: client.verified,
        requested_scopes: pending.scopes.map((scope) => ({
          id: scope,
          name: scope,
          description: scopeDescriptions[scope] ?? `Access to ${scope}`,
        })),
      },
    })
  })

  app.post('/v2/oauth/grants', async (c) => {
    const auth = await authenticateBearer(c, server)
    if (!auth.ok) return auth.response
    const body = readJsonObject(c)
    if (!body.ok) return apiError(c, 400, body.description)
    const { allowed, consent_token: consentToken, ...rest } = body.value
    const extra = Object.keys(rest)[0]
    if (extra) return apiError(c, 422, `Unknown field "${extra}".`, { pointer: `/${extra}` })
    if (typeof allowed !== 'boolean') return apiError(c, 422, 'allowed must be a boolean.', { pointer: '/allowed' })
    if (typeof consentToken !== 'string' || consentToken === '') {
      return apiError(c, 422, 'consent_token is required.', { pointer: '/consent_token' })
    }
    const pending = server.consents.take(consentToken)
    if (!pending || !server.clients.get(pending.clientId)) {
      return apiError(c, 422, 'The consent token is invalid, expired or already used.', { pointer: '/consent_token' })
    }
    const issuer = c.get('issuer')
    const redirectUri = allowed
      ? approveAuthorization(server, issuer, pending, auth.token.userId)
      : denyAuthorization(server, issuer, pending)
    return c.json({ redirect_uri: redirectUri })
  })
}
