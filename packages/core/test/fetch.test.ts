import { describe, expect, it } from 'vitest'
import { createTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'

/** Revokes the current access token at the server (RFC 7009), leaving the refresh token valid. */
async function revokeAccessToken(test: ReturnType<typeof createTestClient>) {
  const token = await test.auth.getAccessToken()
  const body = new URLSearchParams({ token, client_id: test.clientId })
  const response = await test.mock.fetch(`${TEST_ISSUER}/v2/oauth/revoke`, { method: 'POST', body })
  expect(response.status).toBe(200)
  test.mock.requests.clear()
  return token
}

const newClient = { name: 'Made by test', allowed_scopes: ['admin'], client_type: 'public', allowed_grant_types: ['authorization_code'] }

describe('fetch', () => {
  it('sends the access token as a Bearer token', async () => {
    const test = createTestClient()
    await test.signIn()
    const response = await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)
    expect(response.status).toBe(200)
    const sent = test.fetch.mock.lastCall![0] as Request
    expect(sent.headers.get('authorization')).toBe(`Bearer ${await test.auth.getAccessToken()}`)
  })

  it('keeps the caller\'s headers', async () => {
    const test = createTestClient()
    await test.signIn()
    await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`, { headers: { 'x-request-id': 'abc' } })
    expect((test.fetch.mock.lastCall![0] as Request).headers.get('x-request-id')).toBe('abc')
  })

  it('refreshes once and replays the request, body included, after a 401 invalid_token', async () => {
    const test = createTestClient()
    await test.signIn()
    const revoked = await revokeAccessToken(test)
    const response = await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newClient),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({ data: { name: 'Made by test' } })
    expect(test.mock.requests.list().map((r) => [r.path, r.status])).toEqual([
      ['/v2/oauth_clients', 401],
      ['/v2/oauth/token', 200],
      ['/v2/oauth_clients', 201],
    ])
    expect(await test.auth.getAccessToken()).not.toBe(revoked)
  })

  it('refreshes once for calls refused with the same revoked token, however late their 401s arrive', async () => {
    const test = createTestClient()
    await test.signIn()
    await revokeAccessToken(test)
    // The second call's 401 arrives only once the first call has refreshed and been answered.
    const send = test.fetch.getMockImplementation()!
    let first!: Promise<Response>
    let calls = 0
    test.fetch.mockImplementation(async (input, init) => {
      const response = send(input, init)
      if (new Request(input).url.endsWith('/v2/oauth_grants') && ++calls === 2) await first
      return response
    })
    first = test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)
    const second = test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)
    expect((await Promise.all([first, second])).map((r) => r.status)).toEqual([200, 200])
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(1)
  })

  it('refreshes once after a 401 with no challenge at all, as an API may send', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.requests.clear()
    test.mock.faults.add({ path: '/v2/oauth_grants', status: 401 })
    expect((await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)).status).toBe(200)
    expect(test.mock.requests.list().map((r) => [r.path, r.status])).toEqual([
      ['/v2/oauth_grants', 401],
      ['/v2/oauth/token', 200],
      ['/v2/oauth_grants', 200],
    ])
  })

  it('does not refresh on a 401 whose Bearer challenge names another error', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.requests.clear()
    const challenge = { 'www-authenticate': 'Bearer error="invalid_request"' }
    test.mock.faults.add({ path: '/v2/oauth_grants', status: 401, headers: challenge })
    expect((await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)).status).toBe(401)
    expect(test.mock.requests.list().map((r) => r.path)).toEqual(['/v2/oauth_grants'])
  })

  it('replays a Request object with its body', async () => {
    const test = createTestClient()
    await test.signIn()
    await revokeAccessToken(test)
    const request = new Request(`${TEST_ISSUER}/v2/oauth_clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(newClient),
    })
    expect((await test.auth.fetch(request)).status).toBe(201)
  })

  it('retries only once when the new token is refused too', async () => {
    const test = createTestClient()
    await test.signIn()
    const challenge = { 'www-authenticate': 'Bearer error="invalid_token"' }
    test.mock.faults.add({ path: '/v2/oauth_grants', status: 401, headers: challenge, count: 2 })
    const response = await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)
    expect(response.status).toBe(401)
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth_grants')).toHaveLength(2)
  })

  it('does not refresh on a 401 without invalid_token, or on a 403', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.requests.clear()
    test.mock.faults.add({ path: '/v2/oauth_grants', status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } })
    expect((await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)).status).toBe(401)
    test.mock.faults.add({ path: '/v2/oauth_grants', status: 403 })
    expect((await test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)).status).toBe(403)
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(0)
  })

  it('rejects with login_required and sends nothing when signed out', async () => {
    const test = createTestClient()
    await expect(test.auth.fetch(`${TEST_ISSUER}/v2/oauth_grants`)).rejects.toMatchObject({ code: 'login_required' })
    expect(test.mock.requests.list()).toEqual([])
  })
})

describe('getAuthorizationHeaders', () => {
  it('gives the Bearer header of the token getAccessToken gives, for any HTTP client to send', async () => {
    const test = createTestClient()
    await test.signIn()
    const headers = await test.auth.getAuthorizationHeaders({ method: 'GET', url: `${TEST_ISSUER}/v2/oauth_grants` })
    expect(headers).toEqual({ authorization: `Bearer ${await test.auth.getAccessToken()}` })
    const response = await test.mock.fetch(`${TEST_ISSUER}/v2/oauth_grants`, { headers })
    expect(response.status).toBe(200)
  })

  it('refreshes like getAccessToken when asked to', async () => {
    const test = createTestClient()
    await test.signIn()
    const before = await test.auth.getAccessToken()
    const headers = await test.auth.getAuthorizationHeaders({ url: new URL(`${TEST_ISSUER}/v2/oauth_grants`) }, { forceRefresh: true })
    expect(headers.authorization).not.toBe(`Bearer ${before}`)
    expect(headers.authorization).toBe(`Bearer ${await test.auth.getAccessToken()}`)
  })

  it('rejects with login_required while signed out', async () => {
    const test = createTestClient()
    await expect(test.auth.getAuthorizationHeaders({ method: 'GET', url: `${TEST_ISSUER}/v2/oauth_grants` }))
      .rejects.toMatchObject({ code: 'login_required' })
  })

  it('gives the headers of the add-on that sets them without sending, and auth.fetch sends those', async () => {
    const seen: { method: string; url: string }[] = []
    const signing = {
      name: 'signing',
      request: (token: string, target: { method: string; url: string }, send: (headers: Record<string, string>) => Promise<Response>) => {
        seen.push(target)
        return send({ authorization: `Bearer ${token}`, 'x-proof': `${target.method} ${target.url}` })
      },
    }
    const test = createTestClient({ plugins: [signing] })
    await test.signIn()
    const url = `${TEST_ISSUER}/v2/oauth_grants?page[size]=1`
    const calls = test.fetch.mock.calls.length
    const headers = await test.auth.getAuthorizationHeaders({ method: 'POST', url })
    expect(headers).toEqual({ authorization: `Bearer ${await test.auth.getAccessToken()}`, 'x-proof': `POST ${url}` })
    expect(test.fetch.mock.calls.length).toBe(calls)
    const response = await test.auth.fetch(url)
    expect(response.status).toBe(200)
    const sent = test.fetch.mock.lastCall![0] as Request
    expect(sent.headers.get('x-proof')).toBe(`GET ${sent.url}`)
    expect(seen).toEqual([{ method: 'POST', url }, { method: 'GET', url: sent.url }])
  })
})
