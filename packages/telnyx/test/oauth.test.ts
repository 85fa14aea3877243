import { TelnyxApiError } from '@pkce-auth/telnyx'
import type { TelnyxClient } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { appClient, baseUrl, personClient, serviceClient, setupTelnyx } from './setupTelnyx'

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

async function pkcePair() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))))
  return { verifier, challenge }
}

/** Starts an authorization request as a browser would and returns the consent token the server hands out. */
async function startAuthorization(fetch: (input: string, init: RequestInit) => Promise<Response>, challenge: string) {
  const url = new URL(`${baseUrl}/oauth/authorize`)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: appClient.clientId,
    redirect_uri: appClient.redirectUris[0]!,
    scope: 'admin',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString()
  const response = await fetch(url.href, { redirect: 'manual' })
  const consentToken = new URL(response.headers.get('location') ?? '', url).searchParams.get('consent_token')
  if (!consentToken) throw new Error(`no consent token in ${response.status} ${response.headers.get('location')}`)
  return consentToken
}

async function authorizationCode(_telnyx: TelnyxClient, fetch: (input: string, init: RequestInit) => Promise<Response>) {
  const { verifier, challenge } = await pkcePair()
  const consentToken = await startAuthorization(fetch, challenge)
  const { redirectUri } = await (await personClient(fetch, consentToken)).oauth.createGrant({ allowed: true, consentToken })
  const code = new URL(redirectUri).searchParams.get('code')
  if (!code) throw new Error(`no code in ${redirectUri}`)
  return { code, verifier }
}

describe('oauth.getConsent', () => {
  it('describes what a consent token asks for', async () => {
    const { fetch } = await setupTelnyx()
    const consentToken = await startAuthorization(fetch, (await pkcePair()).challenge)

    const consent = await (await personClient(fetch, consentToken)).oauth.getConsent(consentToken)

    expect(consent).toMatchObject({
      clientId: 'spa',
      redirectUri: 'https://app.test/callback',
      verified: false,
      requestedScopes: [expect.objectContaining({ id: 'admin' })],
    })
  })

  it('rejects a consent token already decided with 422', async () => {
    const { fetch } = await setupTelnyx()
    const consentToken = await startAuthorization(fetch, (await pkcePair()).challenge)
    const person = await personClient(fetch, consentToken)
    await person.oauth.createGrant({ allowed: false, consentToken })

    const error = await person.oauth.getConsent(consentToken).catch((reason: unknown) => reason)

    expect(error).toBeInstanceOf(TelnyxApiError)
    expect(error).toMatchObject({ status: 422, code: expect.any(String) })
  })
})

describe('oauth.createGrant', () => {
  it('resolves to the redirect back to the client with a code and the state', async () => {
    const { fetch, sent } = await setupTelnyx()
    const consentToken = await startAuthorization(fetch, (await pkcePair()).challenge)

    const { redirectUri } = await (await personClient(fetch, consentToken)).oauth.createGrant({ allowed: true, consentToken })

    const url = new URL(redirectUri)
    expect(url.origin + url.pathname).toBe('https://app.test/callback')
    expect(url.searchParams.get('state')).toBe('state-1')
    expect(url.searchParams.get('code')).toEqual(expect.any(String))
    const request = sent.find((entry) => entry.url.endsWith('/oauth/grants'))
    expect(request?.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(request?.body ?? '')).toEqual({ allowed: true, consent_token: consentToken })
  })

  it('resolves to a redirect with access_denied when the user declines', async () => {
    const { fetch } = await setupTelnyx()
    const consentToken = await startAuthorization(fetch, (await pkcePair()).challenge)

    const { redirectUri } = await (await personClient(fetch, consentToken)).oauth.createGrant({ allowed: false, consentToken })

    expect(new URL(redirectUri).searchParams.get('error')).toBe('access_denied')
  })
})

describe('oauth.token', () => {
  it('exchanges an authorization code with its PKCE verifier, form-encoded', async () => {
    const { telnyx, fetch, sent } = await setupTelnyx()
    const { code, verifier } = await authorizationCode(telnyx, fetch)

    const tokens = await telnyx.oauth.token({
      grantType: 'authorization_code',
      code,
      codeVerifier: verifier,
      redirectUri: appClient.redirectUris[0]!,
      clientId: appClient.clientId,
    })

    expect(tokens).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) })
    const request = sent.find((entry) => entry.url.endsWith('/oauth/token'))
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(request?.headers.has('authorization')).toBe(false)
    expect(new URLSearchParams(request?.body).get('code_verifier')).toBe(verifier)
  })

  it('refreshes with a refresh token', async () => {
    const { telnyx, fetch } = await setupTelnyx()
    const { code, verifier } = await authorizationCode(telnyx, fetch)
    const first = await telnyx.oauth.token({
      grantType: 'authorization_code',
      code,
      codeVerifier: verifier,
      redirectUri: appClient.redirectUris[0]!,
      clientId: appClient.clientId,
    })

    const second = await telnyx.oauth.token({ grantType: 'refresh_token', refreshToken: first.refreshToken!, clientId: appClient.clientId })

    expect(second.accessToken).not.toBe(first.accessToken)
  })

  it('authenticates a confidential client with HTTP Basic by default', async () => {
    const { telnyx, sent } = await setupTelnyx({ credentials: {} })

    const tokens = await telnyx.oauth.token({
      grantType: 'client_credentials',
      clientId: serviceClient.clientId,
      clientSecret: serviceClient.clientSecret,
      scope: 'admin',
    })

    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: 'admin' })
    const request = sent[0]
    expect(request?.headers.get('authorization')).toBe(`Basic ${btoa('service:service-secret')}`)
    expect(new URLSearchParams(request?.body).has('client_secret')).toBe(false)
  })

  it('sends the client secret in the body with client_secret_post', async () => {
    const { telnyx, sent } = await setupTelnyx({ credentials: {} })

    await telnyx.oauth.token({
      grantType: 'client_credentials',
      clientId: serviceClient.clientId,
      clientSecret: serviceClient.clientSecret,
      authMethod: 'client_secret_post',
    })

    const form = new URLSearchParams(sent[0]?.body)
    expect(form.get('grant_type')).toBe('client_credentials')
    expect(form.get('client_secret')).toBe('service-secret')
    expect(sent[0]?.headers.has('authorization')).toBe(false)
  })

  it('rejects a bad code with the OAuth error shape', async () => {
    const { telnyx } = await setupTelnyx()

    const error = await telnyx.oauth
      .token({ grantType: 'authorization_code', code: 'bogus', codeVerifier: 'x'.repeat(43), redirectUri: appClient.redirectUris[0]!, clientId: 'spa' })
      .catch((reason: unknown) => reason)

    expect(error).toBeInstanceOf(TelnyxApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', error: 'invalid_grant', errors: [] })
    expect((error as TelnyxApiError).errorDescription).toEqual(expect.any(String))
  })

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const { telnyx } = await setupTelnyx({ credentials: {} })

    await expect(
      telnyx.oauth.token({ grantType: 'client_credentials', clientId: serviceClient.clientId, clientSecret: 'wrong' }),
    ).rejects.toMatchObject({ status: 401, code: 'invalid_client' })
  })
})

describe('oauth.introspect', () => {
  it('reports an active token with its client and scope, authenticated as a client', async () => {
    const { telnyx, userToken, sent } = await setupTelnyx()

    const result = await telnyx.oauth.introspect({
      token: userToken,
      clientAuth: { clientId: serviceClient.clientId, clientSecret: serviceClient.clientSecret },
    })

    expect(result).toMatchObject({ active: true, clientId: 'spa', scope: 'admin', exp: expect.any(Number) })
    expect(sent[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(sent[0]?.body).toBe(`token=${userToken}`)
  })

  it('reports a made-up token as inactive', async () => {
    const { telnyx } = await setupTelnyx()

    const result = await telnyx.oauth.introspect({
      token: 'not-a-token',
      clientAuth: { clientId: serviceClient.clientId, clientSecret: serviceClient.clientSecret },
    })

    expect(result).toEqual({ active: false })
  })
})

describe('oauth.getJwks', () => {
  it('returns the key set with its JWK member names untouched', async () => {
    const { telnyx } = await setupTelnyx()

    const jwks = await telnyx.oauth.getJwks()

    expect(jwks.keys.length).toBeGreaterThan(0)
    expect(jwks.keys[0]).toMatchObject({ kid: expect.any(String), kty: expect.any(String) })
  })
})

describe('oauth.register', () => {
  it('registers a public client with a JSON body', async () => {
    const { telnyx, sent } = await setupTelnyx({ credentials: {} })

    const client = await telnyx.oauth.register({
      clientName: 'Registered SPA',
      redirectUris: ['https://registered.test/callback'],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code', 'refresh_token'],
    })

    expect(client).toMatchObject({
      clientId: expect.any(String),
      clientIdIssuedAt: expect.any(Number),
      clientName: 'Registered SPA',
      redirectUris: ['https://registered.test/callback'],
      tokenEndpointAuthMethod: 'none',
    })
    expect(client.clientSecret).toBeUndefined()
    expect(JSON.parse(sent[0]?.body ?? '')).toMatchObject({ client_name: 'Registered SPA', token_endpoint_auth_method: 'none' })
  })

  it('rejects bad metadata with invalid_client_metadata and the invalid fields', async () => {
    const { telnyx } = await setupTelnyx({ credentials: {} })

    const error = await telnyx.oauth
      .register({ clientName: 'Bad', redirectUris: ['not a url'], tokenEndpointAuthMethod: 'none' })
      .catch((reason: unknown) => reason)

    expect(error).toBeInstanceOf(TelnyxApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid_client_metadata' })
    expect((error as TelnyxApiError).invalidFields).toHaveProperty('redirect_uris')
  })
})
