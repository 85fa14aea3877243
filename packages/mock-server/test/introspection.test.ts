import { describe, expect, it } from 'vitest'
import { bearer, createTestServer, issuer, postForm, signIn } from './helpers'

const introspect = `${issuer}/v2/oauth/introspect`
const revoke = `${issuer}/v2/oauth/revoke`
const backendAuth = { authorization: `Basic ${btoa('backend:s3cret')}` }

describe('POST /v2/oauth/introspect', () => {
  it('describes an active access token', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const response = await mock.fetch(introspect, postForm({ token: tokens.access_token, client_id: 'app' }))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      active: true,
      client_id: 'app',
      scope: 'admin',
      iss: issuer,
      aud: `${issuer}/v2`,
      sub: 'user_1',
    })
  })

  it('describes an active refresh token', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const body = await (await mock.fetch(introspect, postForm({ token: tokens.refresh_token, client_id: 'app' }))).json()
    expect(body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'app' })
  })

  it('answers active false for an unknown token', async () => {
    const response = await createTestServer().fetch(introspect, postForm({ token: 'garbage' }, backendAuth))
    expect(await response.json()).toEqual({ active: false })
  })

  it('lets a confidential client introspect any token but a public client only its own', async () => {
    const mock = createTestServer()
    mock.clients.add({ clientId: 'other', redirectUris: ['https://other.test/cb'] })
    const tokens = await signIn(mock)
    expect((await (await mock.fetch(introspect, postForm({ token: tokens.access_token }, backendAuth))).json()).active).toBe(true)
    expect((await (await mock.fetch(introspect, postForm({ token: tokens.access_token, client_id: 'other' }))).json()).active).toBe(false)
  })

  it('requires client identification', async () => {
    const response = await createTestServer().fetch(introspect, postForm({ token: 'x' }))
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('invalid_client')
  })

  it('requires a token', async () => {
    const response = await createTestServer().fetch(introspect, postForm({ client_id: 'app' }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_request')
  })
})

describe('POST /v2/oauth/revoke', () => {
  it('makes a revoked access token inactive for introspection and the API', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const response = await mock.fetch(revoke, postForm({ token: tokens.access_token, token_type_hint: 'access_token', client_id: 'app' }))
    expect(response.status).toBe(200)
    expect((await (await mock.fetch(introspect, postForm({ token: tokens.access_token }, backendAuth))).json()).active).toBe(false)
    const api = await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(tokens.access_token))
    expect(api.status).toBe(401)
    expect(api.headers.get('www-authenticate')).toContain('error="invalid_token"')
  })

  it('ends the refresh chain and its access tokens when a refresh token is revoked', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    expect((await mock.fetch(revoke, postForm({ token: tokens.refresh_token, client_id: 'app' }))).status).toBe(200)
    const refresh = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' }))
    expect((await refresh.json()).error).toBe('invalid_grant')
    expect((await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(tokens.access_token))).status).toBe(401)
  })

  it('answers 200 for an unknown token', async () => {
    const response = await createTestServer().fetch(revoke, postForm({ token: 'never-issued', client_id: 'app' }))
    expect(response.status).toBe(200)
  })

  it('leaves another client\'s token alone', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    expect((await mock.fetch(revoke, postForm({ token: tokens.access_token }, backendAuth))).status).toBe(200)
    expect((await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(tokens.access_token))).status).toBe(200)
  })
})
