import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { approveAuthorization, consentingUser, errorRedirect } from '../authorizationResponse'
import { htmlErrorPage } from '../errors'
import { pkceValuePattern } from '../pkce'
import type { ServerContext } from '../serverContext'

/** The longest authorization-request parameter accepted (`state`, `nonce`, `login_hint`…). */
export const maxParameterLength = 1024

/**
 * `GET /v2/oauth/authorize`. A bad `client_id` or `redirect_uri` gets an HTML page (never a redirect to an
 * unverified URI, as Telnyx does); every other error goes back to the client with `error` and `state`.
 * `nonce` is kept for the ID token; `prompt`, `login_hint` (which may pick the user) and `resource` are accepted.
 */
export function authorizeRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/v2/oauth/authorize', (c) => {
    const issuer = c.get('issuer')
    const query = new URL(c.req.url).searchParams
    const single = (name: string) => query.get(name) ?? undefined
    const repeated = [...new Set(query.keys())].filter((name) => query.getAll(name).length > 1)
    c.header('Cache-Control', 'no-store')

    const clientId = single('client_id')
    if (!clientId || repeated.includes('client_id')) {
      return htmlErrorPage(c, 400, 'invalid_request', 'The request needs exactly one client_id.')
    }
    const client = server.clients.get(clientId)
    if (!client) return htmlErrorPage(c, 404, 'invalid_client', `No client with client_id "${clientId}".`)
    const redirectUri = single('redirect_uri')
    if (!redirectUri || repeated.includes('redirect_uri')) {
      return htmlErrorPage(c, 400, 'invalid_request', 'The request needs exactly one redirect_uri.')
    }
    if (!client.redirectUris.includes(redirectUri)) {
      return htmlErrorPage(c, 422, 'invalid_redirect_uri', 'The redirect_uri is not registered for this client.')
    }

    const state = repeated.includes('state') ? undefined : single('state')
    const fail = (error: string, description: string) =>
      c.redirect(errorRedirect(server, issuer, { redirectUri, state }, error, description), 302)

    if (repeated.length > 0) return fail('invalid_request', `Parameter "${repeated[0]}" is repeated.`)
    // Kept until the person decides: bounded, so pending consents cannot grow memory without limit.
    const long = [...query.keys()].find((name) => (query.get(name) ?? '').length > maxParameterLength)
    if (long !== undefined) return fail('invalid_request', `Parameter "${long.slice(0, 40)}" exceeds ${maxParameterLength} characters.`)
    const responseType = single('response_type')
    if (!responseType) return fail('invalid_request', 'response_type is required.')
    if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.')
    const responseMode = single('response_mode')
    if (responseMode !== undefined && responseMode !== 'query') {
      return fail('invalid_request', 'Only response_mode=query is supported.')
    }
    if (!client.allowedGrantTypes.includes('authorization_code')) {
      return fail('unauthorized_client', 'The client may not use the authorization code grant.')
    }

    const scopeParam = single('scope')
    const scopes = scopeParam === undefined ? [...client.allowedScopes] : [...new Set(scopeParam.split(' ').filter(Boolean))]
    if (scopes.length === 0) return fail('invalid_scope', 'The scope is empty.')
    const notAllowed = scopes.find((scope) => !client.allowedScopes.includes(scope))
    if (notAllowed) return fail('invalid_scope', `The client may not request scope "${notAllowed}".`)

    const codeChallenge = single('code_challenge')
    const method = single('code_challenge_method')
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return fail('invalid_request', 'code_challenge_method must be S256 or plain.')
    }
    if (codeChallenge === undefined) {
      if (method !== undefined) return fail('invalid_request', 'code_challenge_method without code_challenge.')
      if (client.clientType === 'public' || client.requirePkce) {
        return fail('invalid_request', 'PKCE is required: send code_challenge (S256).')
      }
    } else if (!pkceValuePattern.test(codeChallenge)) {
      return fail('invalid_request', 'code_challenge must be 43-128 unreserved characters.')
    }

    // Without DPoP the parameter is unknown, and ignored like any other (RFC 6749 §3.1).
    const dpopJkt = server.dpop ? single('dpop_jkt') : undefined
    if (dpopJkt !== undefined && !/^[\w-]{43}$/.test(dpopJkt)) return fail('invalid_request', 'dpop_jkt must be a SHA-256 JWK thumbprint.')

    const pending = server.consents.create({
      clientId,
      redirectUri,
      scopes,
      state,
      codeChallenge,
      // RFC 7636 §4.3: a challenge without a method is "plain".
      codeChallengeMethod: codeChallenge === undefined ? undefined : ((method ?? 'plain') as 'plain' | 'S256'),
      nonce: single('nonce'),
      dpopJkt,
      loginHint: single('login_hint'),
    })
    if (server.config.autoApprove) {
      server.consents.take(pending.consentToken)
      return c.redirect(approveAuthorization(server, issuer, pending, consentingUser(server, pending).id), 302)
    }
    return c.redirect(`${issuer}/v2/oauth/consent-page?consent_token=${encodeURIComponent(pending.consentToken)}`, 302)
  })
}
