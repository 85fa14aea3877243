import * as oauth from 'oauth4webapi'
import { describe, expect, it } from 'vitest'
import { createTestServer, issuer, redirectUri } from './helpers'

// The core library does every protocol step with oauth4webapi; this proves the server satisfies its checks.
describe('oauth4webapi against the mock server', () => {
  it('discovers, authorizes with PKCE, validates the ID token, refreshes, introspects and revokes', async () => {
    const mock = createTestServer({ autoApprove: true, issParameter: true })
    const options = { [oauth.customFetch]: (url: string, init: RequestInit) => mock.fetch(url, init) }
    const issuerUrl = new URL(issuer)
    const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { ...options, algorithm: 'oauth2' }))
    const client: oauth.Client = { client_id: 'app' }
    const auth = oauth.None()

    const verifier = oauth.generateRandomCodeVerifier()
    const state = oauth.generateRandomState()
    const nonce = oauth.generateRandomNonce()
    const authorizationUrl = new URL(as.authorization_endpoint as string)
    authorizationUrl.search = new URLSearchParams({
      client_id: 'app',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid admin',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const redirect = await mock.fetch(authorizationUrl.href)
    const callback = new URL(redirect.headers.get('location') as string)

    const params = oauth.validateAuthResponse(as, client, callback, state)
    const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, options)
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: nonce, requireIdToken: true })
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: 'user_1', email: 'ada@example.com' })

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token as string, options),
    )
    expect(refreshed.access_token).not.toBe(tokens.access_token)

    const introspection = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, refreshed.access_token, options),
    )
    expect(introspection.active).toBe(true)

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token as string, options))
    const afterRevoke = await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token as string, options)
    await expect(oauth.processRefreshTokenResponse(as, client, afterRevoke)).rejects.toMatchObject({ error: 'invalid_grant' })
  })

  it('surfaces a denied consent as access_denied', async () => {
    const mock = createTestServer({ issParameter: true })
    const as = await oauth.processDiscoveryResponse(
      new URL(issuer),
      await oauth.discoveryRequest(new URL(issuer), {
        [oauth.customFetch]: (url: string, init: RequestInit) => mock.fetch(url, init),
        algorithm: 'oauth2',
      }),
    )
    const verifier = oauth.generateRandomCodeVerifier()
    const query = new URLSearchParams({
      client_id: 'app',
      redirect_uri: redirectUri,
      response_type: 'code',
      state: 'st',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })
    const page = await mock.fetch((await mock.fetch(`${as.authorization_endpoint}?${query}`)).headers.get('location') as string)
    const html = await page.text()
    const consentToken = /name="consent-token" content="([^"]+)"/.exec(html)?.[1]
    const portalToken = /name="portal-token" content="([^"]+)"/.exec(html)?.[1]
    const decision = await mock.fetch(`${issuer}/v2/oauth/grants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${portalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ allowed: false, consent_token: consentToken }),
    })
    const callback = new URL((await decision.json()).redirect_uri)
    expect(() => oauth.validateAuthResponse(as, { client_id: 'app' }, callback, 'st')).toThrow(
      expect.objectContaining({ error: 'access_denied' }),
    )
  })
})
