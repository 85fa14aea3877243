import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { approveAuthorization, consentingUser, denyAuthorization } from '../authorizationResponse'
import { consentPage } from '../consentPage'
import { apiError, htmlErrorPage, pointerTo } from '../errors'
import { authenticatePortal } from '../portalSessions'
import { readJsonObject } from '../requestParams'
import type { ServerContext } from '../serverContext'

// A Map, not an object: a scope named `constructor` or `__proto__` must not find Object's members.
const scopeDescriptions = new Map([
  ['admin', 'Administrative access to Telnyx resources'],
  ['openid', 'Sign you in with your Telnyx identity'],
  ['profile', 'Your name'],
  ['email', 'Your email address'],
])

/**
 * The consent flow as Telnyx's portal runs it: the page, `GET /v2/oauth/consent/{consent_token}` (what to show)
 * and `POST /v2/oauth/grants` (the decision), both called with the page's portal session, the signed-in
 * person's own credential (never an OAuth access token, so no client can approve its own request).
 */
export function consentRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/v2/oauth/consent-page', async (c) => {
    const consentToken = c.req.query('consent_token') ?? ''
    const pending = server.consents.get(consentToken)
    if (!pending) return htmlErrorPage(c, 400, 'invalid_request', 'The consent request is unknown or has expired.')
    // The mock has no login: the page carries a short-lived token of the signed-in user (or of login_hint's user).
    const user = consentingUser(server, pending)
    const client = server.clients.get(pending.clientId)
    if (!client) return htmlErrorPage(c, 400, 'invalid_request', 'The client of this consent request no longer exists.')
    const session = server.portalSessions.create(user.id, consentToken, pending.expiresAt)
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
    c.header('X-Frame-Options', 'DENY')
    c.header('Content-Security-Policy', "frame-ancestors 'none'")
    return c.html(consentPage({ consentToken, session, userName: user.name, clientName: client.name }))
  })

  app.get('/v2/oauth/consent/:consentToken', (c) => {
    const consentToken = c.req.param('consentToken')
    const auth = authenticatePortal(c, server, consentToken)
    if (!auth.ok) return auth.response
    const pending = server.consents.get(consentToken)
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
          description: scopeDescriptions.get(scope) ?? `Access to ${scope}`,
        })),
      },
    })
  })

  app.post('/v2/oauth/grants', (c) => {
    const body = readJsonObject(c)
    if (!body.ok) return apiError(c, 400, body.description)
    const { allowed, consent_token: consentToken, ...rest } = body.value
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) return apiError(c, 422, `Unknown field ${JSON.stringify(extra.slice(0, 100))}.`, { pointer: pointerTo(extra.slice(0, 100)) })
    if (typeof allowed !== 'boolean') return apiError(c, 422, 'allowed must be a boolean.', { pointer: '/allowed' })
    if (typeof consentToken !== 'string' || consentToken === '') {
      return apiError(c, 422, 'consent_token is required.', { pointer: '/consent_token' })
    }
    // The session speaks for this one consent; checked before the consent is taken.
    const auth = authenticatePortal(c, server, consentToken)
    if (!auth.ok) return auth.response
    const pending = server.consents.take(consentToken)
    if (!pending || !server.clients.get(pending.clientId)) {
      return apiError(c, 422, 'The consent token is invalid, expired or already used.', { pointer: '/consent_token' })
    }
    const issuer = c.get('issuer')
    const redirectUri = allowed
      ? approveAuthorization(server, issuer, pending, auth.session.userId)
      : denyAuthorization(server, issuer, pending)
    return c.json({ redirect_uri: redirectUri })
  })
}
