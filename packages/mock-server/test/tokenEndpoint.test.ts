import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { authorize, bearer, createTestServer, issuer, pkcePair, postForm, redirectUri, signIn } from './helpers'

const tokenUrl = `${issuer}/v2/oauth/token`
const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` })

describe('POST /v2/oauth/token', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('issues an ES256 access token with the documented claims', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const header = decodeProtectedHeader(tokens.access_token)
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' })
    expect(typeof header.kid).toBe('string')
    const jwks = createLocalJWKSet(await (await mock.fetch(`${issuer}/v2/oauth/jwks`)).json())
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer, audience: `${issuer}/v2` })
    expect(payload).toMatchObject({ sub: 'user_1', client_id: 'app', scope: 'admin' })
    expect(payload.exp! - payload.iat!).toBe(3600)
    expect(typeof payload.jti).toBe('string')
  })

  it('returns an ID token with the nonce when openid is granted', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock, { scope: 'openid profile email admin', nonce: 'nonce-123' })
    const jwks = createLocalJWKSet(await (await mock.fetch(`${issuer}/v2/oauth/jwks`)).json())
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token as string, jwks, { issuer, audience: 'app' })
    expect(protectedHeader.alg).toBe('ES256')
    expect(payload).toMatchObject({ sub: 'user_1', nonce: 'nonce-123', name: 'Ada Lovelace', email: 'ada@example.com' })
  })

  it('accepts a JSON body', async () => {
    const mock = createTestServer()
    const { verifier, challenge } = await pkcePair()
    const code = (await authorize((input, init) => mock.fetch(input, init), issuer, { challenge })).searchParams.get('code')
    const response = await mock.fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }),
    })
    expect(response.status).toBe(200)
  })

  it('rejects an expired code', async () => {
    const mock = createTestServer({ codeTtl: 30 })
    const { verifier, challenge } = await pkcePair()
    const code = (await authorize((input, init) => mock.fetch(input, init), issuer, { challenge })).searchParams.get('code') as string
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 })
    const response = await mock.fetch(
      tokenUrl,
      postForm({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }),
    )
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('rotates refresh tokens', async () => {
    const mock = createTestServer()
    const first = await signIn(mock)
    const response = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'app' }))
    expect(response.status).toBe(200)
    const second = await response.json()
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.access_token).not.toBe(first.access_token)
    expect(second.scope).toBe('admin')
    const third = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: 'app' }))
    expect(third.status).toBe(200)
  })

  it('revokes the whole grant when a rotated refresh token comes back', async () => {
    const mock = createTestServer()
    const first = await signIn(mock)
    const second = await (await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'app' }))).json()
    const reuse = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'app' }))
    expect(reuse.status).toBe(400)
    expect((await reuse.json()).error).toBe('invalid_grant')
    const latest = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: 'app' }))
    expect((await latest.json()).error).toBe('invalid_grant')
    expect((await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(second.access_token))).status).toBe(401)
    expect(mock.grants.list()).toEqual([])
  })

  it('narrows the scope on refresh but never widens it', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock, { scope: 'admin profile' })
    const widened = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app', scope: 'admin email' }))
    expect((await widened.json()).error).toBe('invalid_scope')
    const narrowed = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app', scope: 'profile' }))
    expect((await narrowed.json()).scope).toBe('profile')
  })

  it('rejects an expired refresh token', async () => {
    const mock = createTestServer({ refreshTokenTtl: 100 })
    const tokens = await signIn(mock)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 101_000 })
    const response = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' }))
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('rejects a refresh token of a grant revoked server-side', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const [grant] = mock.grants.list()
    expect(mock.revokeGrant(grant!.id)).toBe(true)
    const response = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' }))
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('issues client_credentials tokens to a confidential client with HTTP Basic', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(tokenUrl, postForm({ grant_type: 'client_credentials', scope: 'admin' }, basic('backend', 's3cret')))
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.refresh_token).toBeUndefined()
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: 'backend', client_id: 'backend', scope: 'admin' })
  })

  it('accepts client_secret_post', async () => {
    const response = await createTestServer().fetch(
      tokenUrl,
      postForm({ grant_type: 'client_credentials', client_id: 'backend', client_secret: 's3cret' }),
    )
    expect(response.status).toBe(200)
  })

  it('answers 401 invalid_client with a challenge for a wrong secret', async () => {
    const response = await createTestServer().fetch(tokenUrl, postForm({ grant_type: 'client_credentials' }, basic('backend', 'wrong')))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
    expect(await response.json()).toMatchObject({ error: 'invalid_client' })
  })

  it('answers 401 invalid_client for an unknown client', async () => {
    const response = await createTestServer().fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'ghost' }))
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('invalid_client')
  })

  it('refuses client_credentials for a public client', async () => {
    const response = await createTestServer().fetch(tokenUrl, postForm({ grant_type: 'client_credentials', client_id: 'app' }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('unauthorized_client')
  })

  it('answers unsupported_grant_type for an unknown grant', async () => {
    const response = await createTestServer().fetch(tokenUrl, postForm({ grant_type: 'password', client_id: 'app' }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('unsupported_grant_type')
  })

  it('answers invalid_request without a grant_type', async () => {
    const response = await createTestServer().fetch(tokenUrl, postForm({ client_id: 'app' }))
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const mock = createTestServer()
    mock.clients.add({ clientId: 'app', redirectUris: [redirectUri], allowedGrantTypes: ['authorization_code'] })
    const tokens = await signIn(mock)
    expect(tokens.access_token).toBeTruthy()
    expect(tokens.refresh_token).toBeUndefined()
  })
})
