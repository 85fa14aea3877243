import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer } from '@pkce-auth/mock-server'
import { describe, expect, it } from 'vitest'
import { bearer, createTestServer, issuer, jsonRequest, openConsentPage, pkcePair, postForm, redirectUri, signIn } from './helpers'

// One describe per finding of issue 16; each test failed on the server before the fix.

const tokenUrl = `${issuer}/v2/oauth/token`
const registerUrl = `${issuer}/v2/oauth/register`
const clientsUrl = `${issuer}/v2/oauth_clients`
const grantsUrl = `${issuer}/v2/oauth/grants`
const apiKey = 'KEY0123456789abcdefghij'

const consentTokenOf = (page: { consentToken: string }) => page.consentToken

describe('1. consent is decided only by the person', () => {
  it("refuses a client's own access token at the consent endpoints, and the person's session still decides", async () => {
    const mock = createTestServer({ apiKeys: [apiKey] })
    const appToken = (await signIn(mock, { scope: 'profile' })).access_token
    const page = await openConsentPage(mock, 'admin')
    const consentToken = consentTokenOf(page)

    const peek = await mock.fetch(`${issuer}/v2/oauth/consent/${consentToken}`, bearer(appToken))
    const decide = await mock.fetch(grantsUrl, jsonRequest('POST', { allowed: true, consent_token: consentToken }, appToken))
    const byApiKey = await mock.fetch(grantsUrl, jsonRequest('POST', { allowed: true, consent_token: consentToken }, apiKey))
    expect([peek.status, decide.status, byApiKey.status]).toEqual([401, 401, 401])
    expect((await decide.json()).errors[0].code).toBe('10009')

    const byPerson = await mock.fetch(grantsUrl, jsonRequest('POST', { allowed: true, consent_token: consentToken }, page.portalToken))
    expect(byPerson.status).toBe(200)
  })

  it('gives the consent page a session that is no access token and speaks for its own consent only', async () => {
    const mock = createTestServer()
    const first = await openConsentPage(mock)
    const second = await openConsentPage(mock)
    expect((await mock.fetch(clientsUrl, bearer(first.portalToken))).status).toBe(401)
    const other = await mock.fetch(grantsUrl, jsonRequest('POST', { allowed: true, consent_token: second.consentToken }, first.portalToken))
    expect(other.status).toBe(401)
  })
})

describe('2. registration grants no privilege', () => {
  async function registerService(mock: MockServer, scope?: string) {
    const response = await mock.fetch(
      registerUrl,
      jsonRequest('POST', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post', ...(scope ? { scope } : {}) }),
    )
    const body = await response.json()
    return { clientId: body.client_id as string, secret: body.client_secret as string }
  }

  it('never gives a registered client admin, nor a token that acts as a user', async () => {
    const mock = createTestServer()
    const { clientId, secret } = await registerService(mock, 'admin profile')
    const admin = await mock.fetch(tokenUrl, postForm({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'admin' }))
    expect(admin.status).toBe(400)
    expect((await admin.json()).error).toBe('invalid_scope')

    const plain = await mock.fetch(tokenUrl, postForm({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }))
    const { access_token: token, scope } = await plain.json()
    expect(scope).toBe('profile')
    expect((await mock.fetch(clientsUrl, bearer(token))).status).toBe(403)
    expect((await mock.fetch(`${clientsUrl}/app`, { method: 'DELETE', ...bearer(token) })).status).toBe(403)
    expect(mock.clients.get('app')).toBeDefined()
  })

  it('lets a client an admin created act with admin on its owner account, as itself', async () => {
    const mock = createTestServer()
    const admin = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    const created = await mock.fetch(
      clientsUrl,
      jsonRequest('POST', { name: 'Ops', allowed_scopes: ['admin'], client_type: 'confidential', allowed_grant_types: ['client_credentials'] }, admin),
    )
    const { data } = await created.json()
    const response = await mock.fetch(tokenUrl, postForm({ grant_type: 'client_credentials', client_id: data.client_id, client_secret: data.client_secret }))
    const { access_token: token } = await response.json()
    const listed = await mock.fetch(clientsUrl, bearer(token))
    expect(listed.status).toBe(200)
    const introspected = await mock.fetch(`${issuer}/v2/oauth/introspect`, postForm({ token, client_id: 'backend', client_secret: 's3cret' }))
    expect(await introspected.json()).toMatchObject({ active: true, sub: data.client_id, scope: 'admin' })
  })

  it('rate-limits registration for everybody together', async () => {
    const mock = createTestServer({ registrationRateLimit: { limit: 3, windowSeconds: 60 } })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      statuses.push((await mock.fetch(registerUrl, jsonRequest('POST', { redirect_uris: ['https://x.test/cb'] }))).status)
    }
    expect(statuses).toEqual([201, 201, 201, 429])
  })

  it('caps the redirect URIs of one client', async () => {
    const uris = Array.from({ length: 21 }, (_, i) => `https://app${i}.test/cb`)
    const response = await createTestServer().fetch(registerUrl, jsonRequest('POST', { redirect_uris: uris }))
    expect(response.status).toBe(400)
    expect((await response.json()).invalid_fields.redirect_uris).toBeDefined()
  })
})

describe('4. the test controls answer the developer only, with faults that are valid HTTP', () => {
  const faults = `${issuer}/__mock/faults`

  it('refuses another origin, and a browser request to a name that is not loopback', async () => {
    const mock = createTestServer()
    const fault = jsonRequest('POST', { path: '/v2/oauth/jwks', status: 200, body: '<script>alert(1)</script>' })
    const foreign = await mock.fetch(faults, { ...fault, headers: { ...fault.headers, origin: 'https://evil.example' } })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
    const nullOrigin = await mock.fetch(`${issuer}/__mock/requests`, { headers: { origin: 'null' } })
    expect(nullOrigin.status).toBe(403)
    const rebound = await mock.fetch('http://rebound.example:4000/__mock/requests', { headers: { 'sec-fetch-site': 'same-origin' } })
    expect(rebound.status).toBe(403)
    expect(mock.faults.list()).toEqual([])

    const local = await mock.fetch(faults, { ...fault, headers: { ...fault.headers, origin: 'http://127.0.0.1:5173' } })
    expect(local.status).toBe(201)
    expect(local.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect((await mock.fetch(faults, jsonRequest('POST', { path: '/x', delayMs: 1 }))).status).toBe(201)
  })

  it('serves an injected body sandboxed and unsniffed', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/v2/oauth/jwks', status: 200, body: '<script>alert(1)</script>' })
    const response = await mock.fetch(`${issuer}/v2/oauth/jwks`)
    expect(response.headers.get('content-security-policy')).toBe('sandbox')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
  })

  it.each([
    ['a header name with CR/LF', { headers: { 'x-a\r\nx-b': '1' } }],
    ['a header name with a space', { headers: { 'retry after': '1' } }],
    ['a header value with a newline', { headers: { 'retry-after': '1\n2' } }],
    ['content-length', { headers: { 'content-length': '999' } }],
    ['transfer-encoding', { headers: { 'transfer-encoding': 'chunked' } }],
    ['connection', { headers: { connection: 'close' } }],
    ['an access-control header', { headers: { 'access-control-allow-origin': '*' } }],
    ['set-cookie', { headers: { 'set-cookie': 'a=b' } }],
    ['a status below 200', { status: 101 }],
    ['a status above 599', { status: 600 }],
    ['a body over 16 KiB', { body: 'x'.repeat(16 * 1024 + 1) }],
    ['a body on a 204', { status: 204, body: 'x' }],
  ])('refuses a fault with %s', async (_, extra) => {
    const mock = createTestServer()
    const response = await mock.fetch(faults, jsonRequest('POST', { path: '/v2/oauth/token', status: 503, ...extra }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_fault')
    expect(mock.faults.list()).toEqual([])
  })
})

describe('5. bounded memory', () => {
  it('keeps at most 1000 pending consents, forgetting the oldest', async () => {
    const mock = createTestServer()
    const { challenge } = await pkcePair()
    const start = async () => {
      const query = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' })
      return (await mock.fetch(`${issuer}/v2/oauth/authorize?${query}`, { redirect: 'manual' })).headers.get('location') as string
    }
    const first = await start()
    for (let i = 0; i < 1000; i++) await start()
    expect((await mock.fetch(first)).status).toBe(400)
    expect((await mock.fetch(await start())).status).toBe(200)
  })

  it('refuses an authorization parameter over 1024 characters', async () => {
    const { challenge } = await pkcePair()
    const query = new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n'.repeat(1025) })
    const response = await createTestServer().fetch(`${issuer}/v2/oauth/authorize?${query}`, { redirect: 'manual' })
    expect(new URL(response.headers.get('location') as string).searchParams.get('error')).toBe('invalid_request')
  })

  it('keys rate-limit windows by clients that exist: made-up client ids share one window', async () => {
    const mock = createTestServer({ rateLimit: { limit: 5, windowSeconds: 60 } })
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: 'x', client_id: `made-up-${i}` }))).status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    const real = await mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'app' }))
    expect(real.status).toBe(400)
  })

  it('keeps the last 1000 requests in its log', async () => {
    const mock = createTestServer()
    for (let i = 0; i < 1005; i++) await mock.fetch(`${issuer}/nothing/${i}`)
    const log = mock.requests.list()
    expect(log).toHaveLength(1000)
    expect(log[0]?.path).toBe('/nothing/5')
    expect(log.at(-1)?.path).toBe('/nothing/1004')
  })
})

describe('6. bounded work', () => {
  it('builds the CORS origin set once, and again only when a client changes', async () => {
    const mock = createTestServer()
    const before = mock.clients.allowedOrigins()
    expect(mock.clients.allowedOrigins()).toBe(before)
    await mock.fetch(registerUrl, jsonRequest('POST', { redirect_uris: ['https://late.test/cb'] }))
    const after = mock.clients.allowedOrigins()
    expect(after).not.toBe(before)
    expect(after.has('https://late.test')).toBe(true)
    mock.clients.remove('app')
    expect(mock.clients.allowedOrigins().has('https://app.test')).toBe(false)
  })
})

describe('7. redirect URIs per RFC 8252 and the security BCP', () => {
  it.each([
    'blob:https://app.test/1',
    'about:blank',
    'view-source:http://evil.example',
    'filesystem:https://app.test/temporary/x',
    'ws://evil.example/cb',
    'wss://evil.example/cb',
    'http://user:pw@127.0.0.1/cb',
    'https://user@app.test/cb',
    ' https://evil.example/cb',
    'https://evil.example/cb ',
    'https://evil.example/c\tb',
    'https://app.test/cb#frag',
    'http://evil.example/cb',
    'myapp:/cb',
    'javascript:alert(1)',
  ])('refuses %j at registration and at /v2/oauth_clients', async (uri) => {
    const mock = createTestServer()
    const registered = await mock.fetch(registerUrl, jsonRequest('POST', { redirect_uris: [uri] }))
    expect(registered.status).toBe(400)
    const admin = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    const created = await mock.fetch(
      clientsUrl,
      jsonRequest('POST', { name: 'X', allowed_scopes: ['admin'], client_type: 'public', allowed_grant_types: ['authorization_code'], redirect_uris: [uri] }, admin),
    )
    expect(created.status).toBe(422)
  })

  it('accepts https, loopback http and a reverse-domain private-use scheme', async () => {
    const uris = ['https://app.example/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'com.example.app:/oauth2redirect']
    const response = await createTestServer().fetch(registerUrl, jsonRequest('POST', { redirect_uris: uris }))
    expect(response.status).toBe(201)
  })

  it('never allows Origin: null because a client has a private-use scheme', async () => {
    const mock = createMockServer({ clients: [{ clientId: 'native', redirectUris: ['com.example.app:/cb'] }] })
    const server = await mock.listen()
    try {
      const response = await fetch(`${server.url}/v2/oauth/token`, {
        method: 'POST',
        headers: { origin: 'null', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=refresh_token&refresh_token=x&client_id=native',
      })
      expect(response.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await server.close()
    }
  })

  it('refuses a seeded client with a bad redirect URI', () => {
    expect(() => createMockServer({ clients: [{ clientId: 'x', redirectUris: ['about:blank'] }] })).toThrow(TypeError)
  })
})

describe('8. hostile names', () => {
  it('describes scopes named after Object members as any other scope', async () => {
    const names = ['constructor', 'toString', '__proto__', 'hasOwnProperty']
    const mock = createMockServer({ clients: [{ clientId: 'app', redirectUris: [redirectUri], allowedScopes: names }] })
    const { consentToken, portalToken } = await openConsentPage(mock, names.join(' '))
    const response = await mock.fetch(`${issuer}/v2/oauth/consent/${consentToken}`, bearer(portalToken))
    const { data } = await response.json()
    expect(data.requested_scopes).toEqual(names.map((name) => ({ id: name, name, description: `Access to ${name}` })))
  })

  it.each([
    ['the token endpoint', tokenUrl, '{"grant_type":"refresh_token","grant_type":"client_credentials","client_id":"backend","client_secret":"s3cret"}', 'error'],
    ['registration', registerUrl, '{"redirect_uris":["https://a.test/cb"],"redirect_uris":["https://b.test/cb"]}', 'error'],
    ['the fault control', `${issuer}/__mock/faults`, '{"path":"/x","status":503,"status":200}', 'error'],
    ['nested objects', `${issuer}/__mock/faults`, '{"path":"/x","status":503,"headers":{"a":"1","\\u0061":"2"}}', 'error'],
  ])('refuses repeated JSON members at %s', async (_, url, body, field) => {
    const response = await createTestServer().fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(response.status).toBe(400)
    expect(await response.json()).toHaveProperty(field)
  })

  it('refuses repeated JSON members in a consent decision', async () => {
    const mock = createTestServer()
    const { consentToken, portalToken } = await openConsentPage(mock)
    const body = `{"allowed":false,"allowed":true,"consent_token":"${consentToken}"}`
    const response = await mock.fetch(grantsUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${portalToken}` }, body })
    expect(response.status).toBe(400)
    expect(mock.grants.list()).toEqual([])
  })
})

describe('9. API keys', () => {
  it('act as their user with full rights on the management API and introspection', async () => {
    const mock = createTestServer({ apiKeys: [apiKey] })
    const tokens = await signIn(mock, { scope: 'profile' })
    const clients = await mock.fetch(clientsUrl, bearer(apiKey))
    expect(clients.status).toBe(200)
    expect((await clients.json()).data.map((client: { client_id: string }) => client.client_id)).toEqual(['app', 'backend'])
    expect((await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(apiKey))).status).toBe(200)
    const introspection = await mock.fetch(`${issuer}/v2/oauth/introspect`, postForm({ token: tokens.access_token }, { authorization: `Bearer ${apiKey}` }))
    expect(await introspection.json()).toMatchObject({ active: true, client_id: 'app', sub: 'user_1', scope: 'profile' })
  })

  it('refuses a key it does not know, and keys too short to be one', async () => {
    const mock = createTestServer({ apiKeys: [apiKey] })
    expect((await mock.fetch(clientsUrl, bearer(`${apiKey}x`))).status).toBe(401)
    const introspection = await mock.fetch(`${issuer}/v2/oauth/introspect`, postForm({ token: 'x' }, { authorization: `Bearer ${apiKey}x` }))
    expect(introspection.status).toBe(401)
    expect(() => createMockServer({ apiKeys: ['short'] })).toThrow(TypeError)
    expect(() => createMockServer({ apiKeys: [{ key: apiKey, userId: 'nobody' }] })).toThrow(TypeError)
  })
})

describe('the consent page', () => {
  it('names the registered client in its first paint', async () => {
    const mock = createMockServer({ clients: [{ clientId: 'app', name: 'Acme <Dialer>', redirectUris: [redirectUri] }] })
    const { html } = await openConsentPage(mock)
    expect(html).toContain('<span id="client-name">Acme &lt;Dialer&gt;</span>')
    expect(html).not.toContain('pkce-auth playground')
  })
})
