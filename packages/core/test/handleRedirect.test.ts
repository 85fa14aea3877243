import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError, memoryStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'
import { setAddress } from '../../../test/helpers/setAddress'

const tokenRequests = (mock: ReturnType<typeof createTestClient>['mock']) =>
  mock.requests.list().filter((r) => r.path === '/v2/oauth/token')

/** The callback URL with some parameters replaced (undefined removes one). */
const withParams = (url: string, params: Record<string, string | undefined>) => {
  const next = new URL(url)
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) next.searchParams.delete(name)
    else next.searchParams.set(name, value)
  }
  return next.href
}

const stateOf = (url: string) => new URL(url).searchParams.get('state')!
const transactionKeyOf = (clientId: string, url: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:transaction:${stateOf(url)}`

afterEach(() => {
  setAddress('about:blank')
})

describe('handleRedirect', () => {
  it('exchanges the code, signs in and returns appState and returnTo', async () => {
    const { auth, authorize } = createTestClient()
    const callback = await authorize({ appState: { tab: 2 }, returnTo: '/settings?x=1' })
    await expect(auth.handleRedirect(callback)).resolves.toEqual({ appState: { tab: 2 }, returnTo: '/settings?x=1' })
    expect(auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin' })
  })

  it('shares one result and one token request between concurrent and repeated calls', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = await authorize({ appState: 'a' })
    const [first, second] = await Promise.all([auth.handleRedirect(callback), auth.handleRedirect(new URL(callback))])
    const third = await auth.handleRedirect(callback)
    expect(first).toBe(second)
    expect(third).toBe(first)
    expect(tokenRequests(mock)).toHaveLength(1)
  })

  it('removes code, state, iss and error parameters from the address bar, keeping the rest', async () => {
    const { auth, authorize } = createTestClient({ server: { issParameter: true } })
    const callback = withParams(await authorize(), { keep: 'me' })
    setAddress(callback)
    await auth.handleRedirect()
    expect(location.href).toBe(`${TEST_REDIRECT_URI}?keep=me`)
  })

  it('returns the same result to a second call that reads the already cleaned address (StrictMode)', async () => {
    const { auth, authorize, mock } = createTestClient()
    setAddress(await authorize({ appState: 'once' }))
    const first = auth.handleRedirect()
    const second = auth.handleRedirect()
    expect(second).toBe(first)
    expect(await second).toEqual({ appState: 'once' })
    expect(tokenRequests(mock)).toHaveLength(1)
    expect(auth.getState().status).toBe('signedIn')
  })

  it('removes the response parameters from the address bar also when the callback fails', async () => {
    const { auth, authorize } = createTestClient()
    const callback = withParams(await authorize(), { state: 'forged', error: 'access_denied', error_description: 'x' })
    setAddress(callback)
    await expect(auth.handleRedirect()).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(location.href).toBe(TEST_REDIRECT_URI)
  })

  it('deletes the transaction after use', async () => {
    const { auth, authorize, storage, clientId } = createTestClient()
    const callback = await authorize()
    const transactionKey = transactionKeyOf(clientId, callback)
    expect(await records(storage).get(transactionKey)).toMatchObject({ v: 1 })
    await auth.handleRedirect(callback)
    expect(await records(storage).get(transactionKey)).toBeUndefined()
  })

  it('shows the scope this sign-in asked for when the token response leaves scope out (RFC 6749 §5.1)', async () => {
    const test = createTestClient({ scope: 'admin' })
    const send = test.fetch.getMockImplementation()!
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      if (!String(input).endsWith('/v2/oauth/token')) return response
      const { scope: _granted, ...body } = await response.json()
      return Response.json(body, { status: response.status, headers: response.headers })
    })
    await test.signIn({ scope: 'admin openid' })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin openid' })
  })

  it('takes no other record for a transaction: a forged state named like one leaves the session as it is', async () => {
    const test = createTestClient()
    await test.signIn()
    for (const state of ['session', 'metadata', 'transactions']) {
      const forged = `${TEST_REDIRECT_URI}?code=forged&state=${state}`
      await expect(test.auth.handleRedirect(forged)).rejects.toMatchObject({ code: 'state_mismatch' })
    }
    expect(test.auth.getState().status).toBe('signedIn')
    const reloaded = reloadTestClient(test)
    await expect(reloaded.auth.getAccessToken()).resolves.toEqual(expect.any(String))
    expect(reloaded.auth.getState().status).toBe('signedIn')
  })

  it('rejects a state it did not issue with state_mismatch and signs out with callback_failed', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = withParams(await authorize(), { state: 'wrong' })
    const error = await auth.handleRedirect(callback).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'state_mismatch' })
    expect(auth.getState()).toEqual({ status: 'signedOut', reason: 'callback_failed', error })
    expect(tokenRequests(mock)).toHaveLength(0)
  })

  it('rejects a callback without state with state_mismatch', async () => {
    const { auth, authorize } = createTestClient()
    const callback = withParams(await authorize(), { state: undefined })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'state_mismatch' })
  })

  it('completes a sign-in that took 59 minutes (a sign-up with e-mail verification)', async () => {
    let now = Date.now()
    const { auth, authorize } = createTestClient({ now: () => now })
    const callback = await authorize()
    now += 59 * 60_000
    await expect(auth.handleRedirect(callback)).resolves.toEqual({})
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })

  it('rejects a transaction older than an hour (signInTimeoutSeconds) with state_mismatch', async () => {
    let now = 1_000_000
    const { auth, authorize, mock } = createTestClient({ now: () => now })
    const callback = await authorize()
    now += 60 * 60_000 + 1
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(tokenRequests(mock)).toHaveLength(0)
  })

  it('rejects a transaction older than a signInTimeoutSeconds of 120 with state_mismatch', async () => {
    let now = 1_000_000
    const { auth, authorize, mock } = createTestClient({ now: () => now, signInTimeoutSeconds: 120 })
    const callback = await authorize()
    now += 120_001
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(tokenRequests(mock)).toHaveLength(0)
  })

  // Two resources: the mock refuses a repeated parameter; test/interop runs them against oidc-provider.
  it('sends the resource with the code exchange and with the refresh (RFC 8707 §2.2)', async () => {
    const [resource, sent] = ['https://api.test', ['https://api.test']]
    const { mock } = createTestClient()
    const bodies: URLSearchParams[] = []
    const test = createTestClient({
      mock,
      clientId: 'resource-app',
      resource,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        if (new URL(request.url).pathname === '/v2/oauth/token') bodies.push(new URLSearchParams(await request.clone().text()))
        return mock.fetch(request)
      },
    })
    mock.clients.add({ clientId: 'resource-app', redirectUris: [TEST_REDIRECT_URI] })
    await test.signIn()
    await test.auth.getAccessToken({ forceRefresh: true })
    expect(bodies.map((body) => [body.get('grant_type'), body.getAll('resource')])).toEqual([
      ['authorization_code', sent],
      ['refresh_token', sent],
    ])
  })

  it('completes a sign-in started in another tab with the same storage', async () => {
    const storage = memoryStorage()
    const tab1 = createTestClient({ storage })
    const callback = await tab1.authorize()
    const tab2 = reloadTestClient(tab1)
    await expect(tab2.auth.handleRedirect(callback)).resolves.toBeDefined()
    expect(tab2.auth.getState().status).toBe('signedIn')
  })

  it('keeps two sign-ins started at once apart', async () => {
    const storage = memoryStorage()
    const tab1 = createTestClient({ storage })
    const tab2 = reloadTestClient(tab1)
    const first = await tab1.authorize({ appState: 1 })
    const second = await tab2.authorize({ appState: 2 })
    expect(await tab2.auth.handleRedirect(second)).toEqual({ appState: 2 })
    expect(await tab1.auth.handleRedirect(first)).toEqual({ appState: 1 })
  })

  it('validates iss when the server sends it (RFC 9207)', async () => {
    const { auth, authorize } = createTestClient({ server: { issParameter: true } })
    const callback = await authorize()
    expect(new URL(callback).searchParams.get('iss')).toBe(TEST_ISSUER)
    await expect(auth.handleRedirect(callback)).resolves.toBeDefined()
  })

  it('rejects a callback whose iss does not match with invalid_response', async () => {
    const { auth, authorize, mock } = createTestClient({ server: { issParameter: true } })
    const callback = withParams(await authorize(), { iss: 'https://evil.test' })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_response' })
    expect(tokenRequests(mock)).toHaveLength(0)
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
  })

  it('rejects a callback without iss when the server advertises it', async () => {
    const { auth, authorize } = createTestClient({ server: { issParameter: true } })
    const callback = withParams(await authorize(), { iss: undefined })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_response' })
  })

  it('rejects an iss the server sends although it does not advertise it, when it does not match', async () => {
    const { auth, authorize } = createTestClient()
    const callback = withParams(await authorize(), { iss: 'https://evil.test' })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_response' })
  })

  it('maps error=access_denied to access_denied with the server fields', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = await authorize()
    const denied = `${TEST_REDIRECT_URI}?error=access_denied&error_description=User+said+no&state=${stateOf(callback)}`
    await expect(auth.handleRedirect(denied)).rejects.toMatchObject({
      code: 'access_denied',
      error: 'access_denied',
      error_description: 'User said no',
      retryable: false,
    })
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    expect(tokenRequests(mock)).toHaveLength(0)
  })

  it('maps other authorization errors to oauth_error, and temporarily_unavailable to a retryable server_error', async () => {
    const { auth, authorize } = createTestClient()
    const scope = `${TEST_REDIRECT_URI}?error=invalid_scope&state=${stateOf(await authorize())}`
    await expect(auth.handleRedirect(scope)).rejects.toMatchObject({ code: 'oauth_error', error: 'invalid_scope' })
    const busy = `${TEST_REDIRECT_URI}?error=temporarily_unavailable&state=${stateOf(await authorize())}`
    await expect(auth.handleRedirect(busy)).rejects.toMatchObject({ code: 'server_error', retryable: true })
  })

  it('gets invalid_grant when a code is redeemed twice', async () => {
    const first = createTestClient()
    const callback = await first.authorize()
    // A copy of the transaction lets a second client try the same code at the server.
    const transactionKey = transactionKeyOf(first.clientId, callback)
    const transaction = await records(first.storage).get(transactionKey)
    await first.auth.handleRedirect(callback)
    const second = createTestClient({ mock: first.mock, clientId: first.clientId })
    await records(second.storage).set(transactionKey, transaction)
    await expect(second.auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_grant', status: 400 })
    expect(second.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
  })

  it.each([
    [400, { error: 'invalid_grant' }, 'invalid_grant', false],
    [400, { error: 'invalid_request', error_description: 'bad' }, 'oauth_error', false],
    [401, { error: 'invalid_client' }, 'oauth_error', false],
    [500, 'Internal error', 'server_error', true],
    [503, { error: 'temporarily_unavailable' }, 'server_error', true],
    [429, { errors: [{ code: '10011', title: 'Too many requests' }] }, 'rate_limited', true],
  ] as const)('maps a token endpoint %i to %s', async (status, body, code, retryable) => {
    const { auth, authorize, mock, storage, clientId } = createTestClient({ retry: { attempts: 1 } })
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', status, body })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code, retryable, status })
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    expect(await records(storage).get(`pkce-auth:${TEST_ISSUER}:${clientId}:session`)).toBeUndefined()
  })

  it('maps the server not knowing the client (401 with a WWW-Authenticate challenge) to invalid_client', async () => {
    const { auth, authorize, mock, clientId } = createTestClient()
    const callback = await authorize()
    mock.clients.remove(clientId)
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({
      code: 'oauth_error',
      error: 'invalid_client',
      status: 401,
      retryable: false,
    })
    expect(mock.requests.list().at(-1)).toMatchObject({ path: '/v2/oauth/token', status: 401 })
  })

  it('with userInfo, signs in when userinfo cannot be read, showing the error beside the user', async () => {
    // The mock server (like Telnyx) has no userinfo endpoint.
    const { auth, signIn, fetch } = createTestClient({ scope: 'openid admin', userInfo: true })
    const errors: unknown[] = []
    auth.on('error', (event) => void errors.push(event))
    await expect(signIn()).resolves.toEqual({})
    expect(auth.getState()).toMatchObject({ status: 'signedIn', user: { sub: expect.any(String) }, error: { code: 'invalid_response' } })
    expect((auth.getState() as { error: Error }).error.message).toContain('userinfo_endpoint')
    expect(errors).toEqual([{ error: expect.objectContaining({ code: 'invalid_response' }), willRetry: false }])
    expect(fetch.mock.calls.map(([input]) => new URL(String(input)).pathname)).not.toContain('/userinfo')
  })

  it('with userInfo and no ID token (no openid), asks nothing and shows no error', async () => {
    const { auth, signIn, mock } = createTestClient({ userInfo: true })
    await signIn()
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(auth.getState()).not.toHaveProperty('error')
    expect(mock.requests.list().map((r) => r.path)).toEqual(['/.well-known/oauth-authorization-server', '/v2/oauth/authorize', '/v2/oauth/token'])
  })

  it('sends the code once after a dropped connection, and rejects with exchange_failed (not retryable)', async () => {
    const { auth, authorize, mock, storage, clientId } = createTestClient({ retry: {} })
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', drop: true, count: Infinity })
    const error = await auth.handleRedirect(callback).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'exchange_failed', retryable: false })
    expect((error as Error).message).toContain(`${TEST_ISSUER}/v2/oauth/token`)
    expect((error as Error).message).toContain('CORS')
    expect(tokenRequests(mock)).toHaveLength(1)
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed', error: { code: 'exchange_failed' } })
    expect(await records(storage).get(`pkce-auth:${TEST_ISSUER}:${clientId}:session`)).toBeUndefined()
  })

  it('sends the code again after a 503 or 429 (the server did not handle it), honouring Retry-After', async () => {
    const { auth, authorize, mock } = createTestClient({ retry: {} })
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', status: 503, headers: { 'retry-after': '0' } })
    mock.faults.add({ path: '/v2/oauth/token', status: 429, headers: { 'retry-after': '0' } })
    await expect(auth.handleRedirect(callback)).resolves.toEqual({})
    expect(tokenRequests(mock).map((r) => r.status)).toEqual([503, 429, 200])
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })

  it('does not send the code again after a 500 (the server may have redeemed it)', async () => {
    const { auth, authorize, mock } = createTestClient({ retry: {} })
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', status: 500, headers: { 'retry-after': '0' } })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'server_error', status: 500 })
    expect(tokenRequests(mock)).toHaveLength(1)
  })

  it('rejects with network and sends nothing when offline at the callback', async () => {
    const { auth, authorize, mock } = createTestClient({ retry: {} })
    const callback = await authorize()
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    try {
      await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'network', retryable: true })
    } finally {
      onLine.mockRestore()
    }
    expect(tokenRequests(mock)).toHaveLength(0)
  })

  it('sends the code once when the exchange times out, and rejects with exchange_failed (not retryable)', async () => {
    const { mock } = createTestClient()
    let sent = 0
    const timedOut = createTestClient({
      mock,
      clientId: 'timeout-app',
      retry: {},
      fetch: async (input, init) => {
        const request = new Request(input, init)
        if (new URL(request.url).pathname === '/v2/oauth/token') {
          sent++
          throw new DOMException('The operation timed out.', 'TimeoutError')
        }
        return mock.fetch(request)
      },
    })
    mock.clients.add({ clientId: 'timeout-app', redirectUris: [TEST_REDIRECT_URI] })
    const callback = await timedOut.authorize()
    await expect(timedOut.auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'exchange_failed', retryable: false })
    expect(sent).toBe(1)
  })

  it.each([
    ['a body that is not JSON', 'not json'],
    ['no access_token', { token_type: 'Bearer', expires_in: 3600 }],
    ['a numeric access_token', { access_token: 42, token_type: 'Bearer', expires_in: 3600 }],
    ['no token_type', { access_token: 'at', expires_in: 3600 }],
    ['an unknown token_type', { access_token: 'at', token_type: 'MAC', expires_in: 3600 }],
    ['a negative expires_in', { access_token: 'at', token_type: 'Bearer', expires_in: -5 }],
    ['a numeric refresh_token', { access_token: 'at', token_type: 'Bearer', refresh_token: 7 }],
    ['a malformed id_token', { access_token: 'at', token_type: 'Bearer', id_token: 'not.a.jwt' }],
  ])('rejects a token response with %s as invalid_response and stores nothing', async (_name, body) => {
    const { auth, authorize, mock, storage, clientId } = createTestClient()
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', status: 200, body })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_response' })
    expect(await records(storage).get(`pkce-auth:${TEST_ISSUER}:${clientId}:session`)).toBeUndefined()
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
  })

  it('keeps an existing session when a later callback fails', async () => {
    const { auth, signIn, authorize } = createTestClient()
    await signIn()
    const callback = withParams(await authorize(), { state: 'wrong' })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'state_mismatch' } })
  })
})

describe('isRedirectCallback', () => {
  it('recognises a code or error response on the redirect URI', () => {
    const { auth } = createTestClient()
    expect(auth.isRedirectCallback(`${TEST_REDIRECT_URI}?code=c&state=s`)).toBe(true)
    expect(auth.isRedirectCallback(`${TEST_REDIRECT_URI}?error=access_denied&state=s`)).toBe(true)
  })

  it('ignores other paths and URLs without a response', () => {
    const { auth } = createTestClient()
    expect(auth.isRedirectCallback(`${TEST_REDIRECT_URI}?state=s`)).toBe(false)
    expect(auth.isRedirectCallback(`${TEST_REDIRECT_URI}`)).toBe(false)
    expect(auth.isRedirectCallback('https://app.test/other?code=c&state=s')).toBe(false)
    expect(auth.isRedirectCallback('https://evil.test/callback?code=c&state=s')).toBe(false)
  })

  it('reads the current address by default', () => {
    const { auth } = createTestClient()
    setAddress(`${TEST_REDIRECT_URI}?code=c&state=s`)
    expect(auth.isRedirectCallback()).toBe(true)
  })
})

describe('a page loaded on the callback', () => {
  const restored = () => new Promise((resolve) => setTimeout(resolve, 50))

  it('stays loading until handleRedirect settles: no signedOut before the code exchange', async () => {
    const test = createTestClient()
    const callback = await test.authorize()
    setAddress(callback)
    const page = reloadTestClient(test)
    const seen: string[] = []
    page.auth.subscribe(() => seen.push(page.auth.getState().status))
    await restored()
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await page.auth.handleRedirect()
    expect(seen).toEqual(['signedIn'])
    page.auth.dispose()
  })

  it('goes from loading to signedOut with callback_failed when the callback fails', async () => {
    const test = createTestClient()
    setAddress(withParams(await test.authorize(), { state: 'forged' }))
    const page = reloadTestClient(test)
    const seen: string[] = []
    page.auth.subscribe(() => seen.push(page.auth.getState().status))
    await restored()
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(seen).toEqual(['signedOut'])
    expect(page.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    page.auth.dispose()
  })

  it('keeps a stored session behind loading until the callback settles, then shows the new sign-in', async () => {
    const test = createTestClient()
    await test.signIn()
    setAddress(await test.authorize())
    const page = reloadTestClient(test)
    const seen: string[] = []
    page.auth.subscribe(() => seen.push(page.auth.getState().status))
    await restored()
    // The user in hand may be replaced by this callback: no binding shows them meanwhile.
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await page.auth.handleRedirect()
    expect(seen).toEqual(['signedIn'])
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin' })
    page.auth.dispose()
  })

  it('settles the state when the page leaves the callback address unhandled (the app navigated first): never loading for good', async () => {
    const test = createTestClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    setAddress(await test.authorize())
    const page = reloadTestClient(test)
    // The restore starts on the callback page; the app's router moves on before anyone calls handleRedirect.
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    setAddress('https://app.test/')
    await restored()
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin' })
    await expect(page.auth.getAccessToken()).resolves.toBe(token)
    page.auth.dispose()
  })

  it('settles signed out when a callback page without a stored session is left unhandled', async () => {
    const test = createTestClient()
    setAddress(await test.authorize())
    const page = reloadTestClient(test)
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    setAddress('https://app.test/')
    await restored()
    expect(page.auth.getState()).toMatchObject({ status: 'signedOut' })
    page.auth.dispose()
  })

  it('shows the stored session, with the error, when the callback fails: a bad callback signs nobody out', async () => {
    const test = createTestClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    setAddress(withParams(await test.authorize(), { state: 'forged' }))
    const page = reloadTestClient(test)
    await restored()
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'state_mismatch' } })
    await expect(page.auth.getAccessToken()).resolves.toBe(token)
    page.auth.dispose()
  })
})
