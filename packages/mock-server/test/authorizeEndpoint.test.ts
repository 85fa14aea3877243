import { describe, expect, it } from 'vitest'
import { createTestServer, issuer, pkcePair, redirectUri } from './helpers'
import type { MockServer } from '@pkce-auth/mock-server'

const authorizeUrl = (params: Record<string, string>) => `${issuer}/v2/oauth/authorize?${new URLSearchParams(params)}`

async function validParams(overrides: Record<string, string> = {}) {
  const { challenge } = await pkcePair()
  return {
    response_type: 'code',
    client_id: 'app',
    redirect_uri: redirectUri,
    scope: 'admin',
    state: 's1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  }
}

function without(params: Record<string, string>, ...names: string[]) {
  return Object.fromEntries(Object.entries(params).filter(([name]) => !names.includes(name)))
}

async function redirectError(mock: MockServer, params: Record<string, string>) {
  const response = await mock.fetch(authorizeUrl(params))
  expect(response.status).toBe(302)
  const location = new URL(response.headers.get('location') as string)
  expect(location.origin + location.pathname).toBe(redirectUri)
  return location.searchParams
}

describe('GET /v2/oauth/authorize', () => {
  it('shows an HTML page, not a redirect, for an unknown client', async () => {
    const response = await createTestServer().fetch(authorizeUrl(await validParams({ client_id: 'nope' })))
    expect(response.status).toBe(404)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(response.headers.get('location')).toBeNull()
    expect(await response.text()).toContain('data-error="invalid_client"')
  })

  it('shows an HTML page for a missing client_id', async () => {
    const response = await createTestServer().fetch(authorizeUrl(without(await validParams(), 'client_id')))
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('text/html')
  })

  it('shows an HTML page for an unregistered redirect_uri', async () => {
    const response = await createTestServer().fetch(authorizeUrl(await validParams({ redirect_uri: 'https://evil.test/callback' })))
    expect(response.status).toBe(422)
    expect(response.headers.get('location')).toBeNull()
    expect(await response.text()).toContain('data-error="invalid_redirect_uri"')
  })

  it('compares redirect URIs exactly', async () => {
    const response = await createTestServer().fetch(authorizeUrl(await validParams({ redirect_uri: `${redirectUri}/` })))
    expect(response.status).toBe(422)
  })

  it('redirects back with unsupported_response_type', async () => {
    const params = await redirectError(createTestServer(), await validParams({ response_type: 'token' }))
    expect(params.get('error')).toBe('unsupported_response_type')
    expect(params.get('state')).toBe('s1')
  })

  it('redirects back with invalid_scope for a scope the client may not ask for', async () => {
    const params = await redirectError(createTestServer(), await validParams({ scope: 'admin billing.read' }))
    expect(params.get('error')).toBe('invalid_scope')
  })

  it('requires a code challenge from a public client', async () => {
    const params = await redirectError(createTestServer(), without(await validParams(), 'code_challenge', 'code_challenge_method'))
    expect(params.get('error')).toBe('invalid_request')
    expect(params.get('state')).toBe('s1')
  })

  it('rejects an unknown code_challenge_method', async () => {
    const params = await redirectError(createTestServer(), await validParams({ code_challenge_method: 'S512' }))
    expect(params.get('error')).toBe('invalid_request')
  })

  it('rejects a malformed code_challenge', async () => {
    const params = await redirectError(createTestServer(), await validParams({ code_challenge: 'short' }))
    expect(params.get('error')).toBe('invalid_request')
  })

  it('rejects a repeated parameter', async () => {
    const query = new URLSearchParams(await validParams())
    query.append('scope', 'openid')
    const response = await createTestServer().fetch(`${issuer}/v2/oauth/authorize?${query}`)
    expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request')
  })

  it('adds iss to error and success responses when issParameter is on', async () => {
    const mock = createTestServer({ issParameter: true, autoApprove: true })
    expect((await redirectError(mock, await validParams({ response_type: 'token' }))).get('iss')).toBe(issuer)
    const success = await redirectError(mock, await validParams())
    expect(success.get('iss')).toBe(issuer)
    expect(success.get('code')).toBeTruthy()
  })

  it('redirects straight back with a code when autoApprove is on', async () => {
    const params = await redirectError(createTestServer({ autoApprove: true }), await validParams({ nonce: 'n', prompt: 'login', login_hint: 'ada@example.com', resource: `${issuer}/v2` }))
    expect(params.get('code')).toBeTruthy()
    expect(params.get('state')).toBe('s1')
  })

  it('sends users to the consent page otherwise', async () => {
    const response = await createTestServer().fetch(authorizeUrl(await validParams()))
    expect(response.headers.get('location')).toMatch(/^https:\/\/auth\.test\/v2\/oauth\/consent-page\?consent_token=[\w-]+$/)
  })

  it('answers an unknown consent token with an HTML error page', async () => {
    const response = await createTestServer().fetch(`${issuer}/v2/oauth/consent-page?consent_token=unknown`)
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toContain('text/html')
  })

  it('signs the login_hint user in on the consent page', async () => {
    const mock = createTestServer({
      users: [
        { id: 'user_1', email: 'ada@example.com', name: 'Ada Lovelace' },
        { id: 'user_2', email: 'grace@example.com', name: 'Grace Hopper' },
      ],
    })
    const response = await mock.fetch(authorizeUrl(await validParams({ login_hint: 'grace@example.com' })))
    const page = await (await mock.fetch(response.headers.get('location') as string)).text()
    expect(page).toContain('Grace Hopper')
  })
})
