import type { Context, Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { clientRequest } from '../clientAuth'
import { refreshBindingProblem, tokenEndpointProof } from '../dpopRequest'
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
    const proof = await tokenEndpointProof(c, server)
    if (!proof.ok) return proof.response
    if (grantType === 'authorization_code') return authorizationCodeGrant(c, server, client, params, proof.jkt)
    if (grantType === 'refresh_token') return refreshTokenGrant(c, server, client, params, proof.jkt)
    return clientCredentialsGrant(c, server, client, params, proof.jkt)
  })
}

function tokenResponse(c: Context<AppEnv>, body: TokenResponseBody) {
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  return c.json(body, 200)
}

async function authorizationCodeGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params, jkt: string | undefined) {
  if (!params.code) return oauthError(c, 400, 'invalid_request', 'code is required')
  // Taken in one synchronous step, and single use even when the rest of the request is wrong, so a code
  // cannot be probed; a replay revokes the family, including tokens the first exchange has yet to issue.
  const taken = server.grants.consumeCode(params.code, client.clientId)
  if (taken.status === 'unknown') return oauthError(c, 400, 'invalid_grant', 'Unknown authorization code')
  if (taken.status === 'replayed') return oauthError(c, 400, 'invalid_grant', 'The authorization code was already used')
  const code = taken.record
  if (code.expiresAt <= Date.now()) return oauthError(c, 400, 'invalid_grant', 'The authorization code expired')
  if (params.redirect_uri !== code.redirectUri) {
    return oauthError(c, 400, 'invalid_grant', 'redirect_uri does not match the authorization request')
  }
  if (code.dpopJkt !== undefined && code.dpopJkt !== jkt) {
    return oauthError(c, 400, 'invalid_grant', 'The authorization request named a DPoP key (dpop_jkt): the request needs a proof by it')
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
  if (!server.grants.isActive(code)) return oauthError(c, 400, 'invalid_grant', 'The grant was revoked')
  server.grants.touch(code.grantId)
  const subject = {
    issuer: c.get('issuer'),
    clientId: client.clientId,
    userId: code.userId,
    sub: code.userId,
    scopes: code.scopes,
    grantId: code.grantId,
    familyId: code.familyId,
  }
  const body = await server.tokens.tokenResponse(subject, {
    refresh: client.allowedGrantTypes.includes('refresh_token'),
    nonce: code.nonce,
    jkt,
    // RFC 9449 §5: a public client's refresh token is bound to the key; a confidential client has its secret.
    bindRefresh: client.clientType === 'public',
  })
  // A replay that landed while the tokens were being signed has already revoked them: say so.
  if (!server.grants.isActive(subject)) return oauthError(c, 400, 'invalid_grant', 'The authorization code was used twice')
  return tokenResponse(c, body)
}

async function refreshTokenGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params, jkt: string | undefined) {
  if (!params.refresh_token) return oauthError(c, 400, 'invalid_request', 'refresh_token is required')
  let scopes: string[] | undefined
  const taken = server.grants.consumeRefreshToken(params.refresh_token, client.clientId, (token) => {
    if (token.revoked) return 'The refresh token was revoked'
    if (token.expiresAt <= epochSeconds()) return 'The refresh token expired'
    if (!server.grants.isActive(token)) return 'The grant was revoked'
    const binding = refreshBindingProblem(token.jkt, jkt)
    if (binding) return binding
    scopes = token.scopes
    if (params.scope !== undefined) {
      scopes = [...new Set(params.scope.split(' ').filter(Boolean))]
      if (scopes.length === 0 || scopes.some((scope) => !token.scopes.includes(scope))) return 'invalid_scope'
    }
    return undefined
  })
  if (taken.status === 'unknown') return oauthError(c, 400, 'invalid_grant', 'Unknown refresh token')
  if (taken.status === 'replayed') {
    return oauthError(c, 400, 'invalid_grant', 'The refresh token was already used; the grant is revoked')
  }
  if (taken.status === 'refused') {
    return taken.reason === 'invalid_scope'
      ? oauthError(c, 400, 'invalid_scope', 'A refresh may only narrow the original scope')
      : oauthError(c, 400, 'invalid_grant', taken.reason)
  }
  const token = taken.record
  server.grants.touch(token.grantId)
  const subject = {
    issuer: c.get('issuer'),
    clientId: client.clientId,
    userId: token.userId,
    sub: token.userId,
    scopes: scopes ?? token.scopes,
    grantId: token.grantId,
    familyId: token.familyId,
  }
  const body = await server.tokens.tokenResponse(subject, { refresh: true, jkt, bindRefresh: client.clientType === 'public' })
  // The rotated token came back while these were being signed: the grant, and these tokens, are gone.
  if (!server.grants.isActive(subject)) {
    return oauthError(c, 400, 'invalid_grant', 'The refresh token was already used; the grant is revoked')
  }
  return tokenResponse(c, body)
}

async function clientCredentialsGrant(c: Context<AppEnv>, server: ServerContext, client: MockClient, params: Params, jkt: string | undefined) {
  if (client.clientType !== 'confidential') {
    return oauthError(c, 400, 'unauthorized_client', 'Only confidential clients may use client_credentials')
  }
  // A client acts as itself. Only a client a user made (seeded, or created through /v2/oauth_clients) acts
  // on that user's account, and only such a client may hold `admin`: registration grants no privilege.
  const grantable = client.userId === null ? client.allowedScopes.filter((scope) => scope !== 'admin') : client.allowedScopes
  const scopes =
    params.scope === undefined
      ? grantable.filter((scope) => scope !== 'openid')
      : [...new Set(params.scope.split(' ').filter(Boolean))]
  const notAllowed = scopes.find((scope) => !grantable.includes(scope))
  if (notAllowed || scopes.length === 0) {
    return oauthError(c, 400, 'invalid_scope', notAllowed ? `Scope "${notAllowed}" is not allowed` : 'The scope is empty')
  }
  const body = await server.tokens.tokenResponse(
    { issuer: c.get('issuer'), clientId: client.clientId, userId: client.userId ?? undefined, sub: client.clientId, scopes },
    { refresh: false, jkt },
  )
  return tokenResponse(c, body)
}
