import { describe, expect, it } from 'vitest'
import { createTestServer, issuer, jsonRequest, pkcePair, postForm } from './helpers'

const registerUrl = `${issuer}/v2/oauth/register`

describe('POST /v2/oauth/register', () => {
  it('registers a public client without a secret', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(
      registerUrl,
      jsonRequest('POST', {
        client_name: 'SPA',
        redirect_uris: ['http://localhost:3000/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
        scope: 'admin openid',
      }),
    )
    expect(response.status).toBe(201)
    const body = await response.json()
    expect(body).toMatchObject({
      client_name: 'SPA',
      redirect_uris: ['http://localhost:3000/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'admin openid',
    })
    expect(body.client_secret).toBeUndefined()
    expect(typeof body.client_id_issued_at).toBe('number')
    expect(mock.clients.get(body.client_id)).toMatchObject({ clientType: 'public', requirePkce: true })
  })

  it('registers a confidential client whose secret works at the token endpoint', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(
      registerUrl,
      jsonRequest('POST', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' }),
    )
    expect(response.status).toBe(201)
    const { client_id: clientId, client_secret: clientSecret } = await response.json()
    expect(typeof clientSecret).toBe('string')
    const token = await mock.fetch(
      `${issuer}/v2/oauth/token`,
      postForm({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'profile' }),
    )
    expect(token.status).toBe(200)
  })

  it('makes the new client usable for authorization at once', async () => {
    const mock = createTestServer({ autoApprove: true })
    const { client_id: clientId } = await (
      await mock.fetch(registerUrl, jsonRequest('POST', { redirect_uris: ['https://new.test/cb'], token_endpoint_auth_method: 'none' }))
    ).json()
    const { challenge } = await pkcePair()
    const response = await mock.fetch(
      `${issuer}/v2/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'https://new.test/cb', code_challenge: challenge, code_challenge_method: 'S256' })}`,
    )
    expect(new URL(response.headers.get('location') as string).searchParams.get('code')).toBeTruthy()
  })

  it('lists every invalid field in invalid_client_metadata', async () => {
    const response = await createTestServer().fetch(
      registerUrl,
      jsonRequest('POST', {
        redirect_uris: ['http://evil.test/cb', 'https://ok.test/cb#frag'],
        grant_types: ['password'],
        token_endpoint_auth_method: 'private_key_jwt',
        logo_uri: 'not a url',
      }),
    )
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body.error).toBe('invalid_client_metadata')
    expect(Object.keys(body.invalid_fields).sort()).toEqual(['grant_types', 'logo_uri', 'redirect_uris', 'token_endpoint_auth_method'])
    expect(body.invalid_fields.redirect_uris).toHaveLength(2)
  })

  it('requires redirect_uris for the authorization_code grant', async () => {
    const response = await createTestServer().fetch(registerUrl, jsonRequest('POST', { token_endpoint_auth_method: 'none' }))
    expect(response.status).toBe(400)
    expect((await response.json()).invalid_fields.redirect_uris).toBeDefined()
  })

  it('refuses client_credentials for a public client', async () => {
    const response = await createTestServer().fetch(
      registerUrl,
      jsonRequest('POST', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }),
    )
    expect((await response.json()).invalid_fields.grant_types).toBeDefined()
  })

  it('answers malformed JSON with invalid_client_metadata', async () => {
    const response = await createTestServer().fetch(registerUrl, jsonRequest('POST', '{"client_name":'))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_client_metadata')
  })

  it('accepts JSON only', async () => {
    const response = await createTestServer().fetch(registerUrl, postForm({ client_name: 'x' }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_client_metadata')
  })
})
