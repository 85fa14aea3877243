import type { Context, Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { clientRequest } from '../clientAuth'
import type { MockClient } from '../clientStore'
import { oauthError } from '../errors'
import type { GrantType } from '../mockServerOptions'
import { pkceValuePattern, verifyPkce } from '../pkce'
import { epochSeconds } from '../randomToken'
import type { ServerContext } from '../serverContext'
import type { TokenResponseBody } from '../tokenIssuer'

type Params = Record<string, string>
const grantTypes: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials']

/**
 * `POST /v2/oauth/token` (RFC 6749 §4.1.3, §6, §4.4) with PKCE (RFC 7636), refresh-token rotation and reuse
 * detection (RFC 9700 §4.14.2): a code or refresh token presented twice revokes what it produced.
 */
export function tokenRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.post('/v2/oauth/token', async (c) => {
    const request = await clientRequest(c, server)
    if (!request.ok) return request.response
    const { params, client } = request
    const grantType = params.grant_type
    if (!grantType) return oauthError(c, 400, 'invalid_request', 'grant_type is required')
    if (!grantTypes.includes(grantType as GrantType)) {
      return oauthError(c, 400, 'unsupported_grant_type', `Unsupported grant_type "${grantType}"`)
    }
    if (!client.allowedGrantTypes.includes(grantType as GrantType)) {
      return oauthError(c, 400, 'unauthorized_client', `The client may not use the ${grantType} grant`)
    }
    if (grantType === 'authorization_code') return authorizationCodeGrant(c, server, client, params)
    if (grantType === 'refresh_token') return refreshTokenGrant(c, server, client, params)
    return clientCredentialsGrant(c, server, client, params)
  })
}

function tokenResponse(c: Context<AppEnv>, body: TokenResponseBody) {
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  return c.json(body, 200)
}

async function authorizationCodeGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params) {
  if (!params.code) return oauthError(c, 400, 'invalid_request', 'code is required')
  const code = server.grants.getCode(params.code)
  if (!code || code.clientId !== client.clientId) return oauthError(c, 400, 'invalid_grant', 'Unknown authorization code')
  if (code.used) {
    // RFC 6749 §4.1.2: a code used twice revokes the tokens issued from it.
    server.grants.revokeFamily(code.familyId)
    return oauthError(c, 400, 'invalid_grant', 'The authorization code was already used')
  }
  // Single use even when the rest of the request is wrong, so a code cannot be probed.
  code.used = true
  if (code.expiresAt <= Date.now()) return oauthError(c, 400, 'invalid_grant', 'The authorization code expired')
  if (params.redirect_uri !== code.redirectUri) {
    return oauthError(c, 400, 'invalid_grant', 'redirect_uri does not match the authorization request')
  }
  const verifier = params.code_verifier
  if (code.codeChallenge === undefined) {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
    if (verifier !== undefined) return oauthError(c, 400, 'invalid_grant', 'code_verifier sent but no code_challenge was')
  } else {
    if (verifier === undefined) return oauthError(c, 400, 'invalid_grant', 'code_verifier is required')
    if (!pkceValuePattern.test(verifier)) {
      return oauthError(c, 400, 'invalid_grant', 'code_verifier must be 43-128 unreserved characters')
    }
    if (!(await verifyPkce(verifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain'))) {
      return oauthError(c, 400, 'invalid_grant', 'code_verifier does not match the code_challenge')
    }
  }
  if (!server.grants.get(code.grantId)) return oauthError(c, 400, 'invalid_grant', 'The grant was revoked')
  server.grants.touch(code.grantId)
  const body = await server.tokens.tokenResponse(
    {
      issuer: c.get('issuer'),
      clientId: client.clientId,
      userId: code.userId,
      sub: code.userId,
      scopes: code.scopes,
      grantId: code.grantId,
      familyId: code.familyId,
    },
    { refresh: client.allowedGrantTypes.includes('refresh_token'), nonce: code.nonce },
  )
  return tokenResponse(c, body)
}

async function refreshTokenGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params) {
  if (!params.refresh_token) return oauthError(c, 400, 'invalid_request', 'refresh_token is required')
  const token = server.grants.getRefreshToken(params.refresh_token)
  if (!token || token.clientId !== client.clientId) return oauthError(c, 400, 'invalid_grant', 'Unknown refresh token')
  if (token.revoked) return oauthError(c, 400, 'invalid_grant', 'The refresh token was revoked')
  if (token.rotated) {
    // A rotated token coming back means two parties hold it: end the whole grant (RFC 9700 §4.14.2).
    server.grants.revoke(token.grantId)
    return oauthError(c, 400, 'invalid_grant', 'The refresh token was already used; the grant is revoked')
  }
  if (token.expiresAt <= epochSeconds()) return oauthError(c, 400, 'invalid_grant', 'The refresh token expired')
  if (!server.grants.get(token.grantId)) return oauthError(c, 400, 'invalid_grant', 'The grant was revoked')
  let scopes = token.scopes
  if (params.scope !== undefined) {
    scopes = [...new Set(params.scope.split(' ').filter(Boolean))]
    const wider = scopes.find((scope) => !token.scopes.includes(scope))
    if (wider || scopes.length === 0) {
      return oauthError(c, 400, 'invalid_scope', 'A refresh may only narrow the original scope')
    }
  }
  token.rotated = true
  server.grants.touch(token.grantId)
  const body = await server.tokens.tokenResponse(
    {
      issuer: c.get('issuer'),
      clientId: client.clientId,
      userId: token.userId,
      sub: token.userId,
      scopes,
      grantId: token.grantId,
      familyId: token.familyId,
    },
    { refresh: true },
  )
  return tokenResponse(c, body)
}

async function clientCredentialsGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params) {
  if (client.clientType !== 'confidential') {
    return oauthError(c, 400, 'unauthorized_client', 'Only confidential clients may use client_credentials')
  }
  const scopes =
    params.scope === undefined
      ? client.allowedScopes.filter((scope) => scope !== 'openid')
      : [...new Set(params.scope.split(' ').filter(Boolean))]
  const notAllowed = scopes.find((scope) => !client.allowedScopes.includes(scope))
  if (notAllowed || scopes.length === 0) {
    return oauthError(c, 400, 'invalid_scope', notAllowed ? `Scope "${notAllowed}" is not allowed` : 'The scope is empty')
  }
  const body = await server.tokens.tokenResponse(
    { issuer: c.get('issuer'), clientId: client.clientId, userId: client.userId, sub: client.clientId, scopes },
    { refresh: false },
  )
  return tokenResponse(c, body)
}
