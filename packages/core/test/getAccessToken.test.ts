import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

const refreshRequests = (mock: ReturnType<typeof createTestClient>['mock']) =>
  mock.requests.list().filter((r) => r.grantType === 'refresh_token')

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`

/** A signed-in client on a controllable clock. */
async function signedIn(options: Parameters<typeof createTestClient>[0] = {}) {
  const clock = { now: Date.now() }
  const test = createTestClient({ now: () => clock.now, ...options })
  await test.signIn()
  test.mock.requests.clear()
  return { ...test, clock }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('getAccessToken', () => {
  it('returns the token in memory without any request', async () => {
    const { auth, mock } = await signedIn()
    const first = await auth.getAccessToken()
    expect(await auth.getAccessToken()).toBe(first)
    expect(mock.requests.list()).toEqual([])
  })

  it('rejects with login_required when signed out', async () => {
    const { auth } = createTestClient()
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })

  it('refreshes a token that expires within refreshLeewaySeconds', async () => {
    const { auth, mock, clock } = await signedIn()
    const first = await auth.getAccessToken()
    clock.now += 3_600_000 - 59_000
    const second = await auth.getAccessToken()
    expect(second).not.toBe(first)
    expect(refreshRequests(mock)).toHaveLength(1)
    expect(auth.getState()).toMatchObject({ status: 'signedIn', expiresAt: clock.now + 3_600_000 })
  })

  it('renews a token living shorter than the leeway at half its lifetime, not at once', async () => {
    const { auth, mock, clock } = await signedIn({ server: { accessTokenTtl: 30 } })
    const first = await auth.getAccessToken()
    clock.now += 14_000
    expect(await auth.getAccessToken()).toBe(first)
    expect(refreshRequests(mock)).toHaveLength(0)
    clock.now += 2_000
    const second = await auth.getAccessToken()
    expect(second).not.toBe(first)
    expect(await auth.getAccessToken()).toBe(second)
    expect(refreshRequests(mock)).toHaveLength(1)
  })

  it('schedules the renewal of a short-lived token at half its lifetime, once per token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const test = createTestClient({ server: { accessTokenTtl: 30 } })
    await test.signIn()
    test.mock.requests.clear()
    const stop = test.auth.subscribe(() => {})
    try {
      await vi.advanceTimersByTimeAsync(14_000)
      expect(refreshRequests(test.mock)).toHaveLength(0)
      // 15 s before expiry, plus at most 1.5 s of jitter.
      await vi.advanceTimersByTimeAsync(2_600)
      await vi.waitFor(() => expect(refreshRequests(test.mock)).toHaveLength(1))
      await vi.advanceTimersByTimeAsync(10_000)
      expect(refreshRequests(test.mock)).toHaveLength(1)
    } finally {
      stop()
      test.auth.dispose()
    }
  })

  it('honours minValidity', async () => {
    const { auth, mock, clock } = await signedIn()
    clock.now += 3_600_000 - 300_000
    await auth.getAccessToken()
    expect(refreshRequests(mock)).toHaveLength(0)
    await auth.getAccessToken({ minValidity: 600 })
    expect(refreshRequests(mock)).toHaveLength(1)
  })

  it('refreshes on forceRefresh and stores the rotated refresh token', async () => {
    const { auth, mock, storage, clientId } = await signedIn()
    const before = await records(storage).get<{ refreshToken: string }>(sessionKey(clientId))
    const token = await auth.getAccessToken()
    expect(await auth.getAccessToken({ forceRefresh: true })).not.toBe(token)
    const after = await records(storage).get<{ refreshToken: string; accessToken: string }>(sessionKey(clientId))
    expect(after!.refreshToken).not.toBe(before!.refreshToken)
    expect(refreshRequests(mock)).toHaveLength(1)
  })

  it('shares one refresh between concurrent callers', async () => {
    const { auth, mock, clock } = await signedIn()
    clock.now += 3_600_000
    const tokens = await Promise.all(Array.from({ length: 20 }, () => auth.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(refreshRequests(mock)).toHaveLength(1)
  })

  it('signs out with session_expired and deletes the tokens on invalid_grant', async () => {
    const { auth, mock, clock, storage, clientId } = await signedIn()
    for (const grant of mock.grants.list()) mock.revokeGrant(grant.id)
    clock.now += 3_600_000
    const error = await auth.getAccessToken().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'invalid_grant', retryable: false })
    expect(auth.getState()).toEqual({ status: 'signedOut', reason: 'session_expired', error })
    expect(await records(storage).get(sessionKey(clientId))).toBeUndefined()
  })

  it.each([
    ['a dropped connection', { drop: true }, 'network'],
    ['a 500', { status: 500, body: 'oops' }, 'server_error'],
    ['a 503', { status: 503 }, 'server_error'],
    ['a 429', { status: 429, headers: { 'retry-after': '2' } }, 'rate_limited'],
  ] as const)('keeps the session on %s and rejects with a retryable %s', async (_name, fault, code) => {
    const { auth, mock, clock, storage, clientId } = await signedIn({ retry: { attempts: 1 } })
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', ...fault })
    const error = await auth.getAccessToken().catch((e: unknown) => e)
    expect(error).toMatchObject({ code, retryable: true })
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error })
    expect(await records(storage).get(sessionKey(clientId))).toMatchObject({ v: 1 })
    // The next call tries again and clears the error.
    await expect(auth.getAccessToken()).resolves.toEqual(expect.any(String))
    expect(auth.getState()).not.toHaveProperty('error', expect.anything())
  })

  it('keeps returning a still-valid token when a refresh ahead of expiry fails for now', async () => {
    const { auth, mock, clock } = await signedIn({ retry: { attempts: 1 } })
    const token = await auth.getAccessToken()
    clock.now += 3_600_000 - 30_000
    mock.faults.add({ path: '/v2/oauth/token', status: 503 })
    await expect(auth.getAccessToken()).resolves.toBe(token)
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'server_error' } })
  })

  it('keeps returning a still-valid token after a reload when discovery answers 503', async () => {
    const { clock, ...test } = await signedIn({ discoveryCacheSeconds: 60 })
    const token = await test.auth.getAccessToken()
    // A page load 30 s before expiry: the cached metadata ran out, and the server is down.
    clock.now += 3_600_000 - 30_000
    const reloaded = createTestClient({ mock: test.mock, storage: test.storage, clientId: test.clientId, now: () => clock.now })
    test.mock.faults.add({ path: '/.well-known/oauth-authorization-server', status: 503 })
    await expect(reloaded.auth.getAccessToken()).resolves.toBe(token)
    expect(reloaded.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'server_error' } })
  })

  it('rejects with timeout, and keeps the session, when the refresh response stalls after its headers', async () => {
    const test = createTestClient({ retry: { attempts: 1, timeoutMs: 200 } })
    await test.signIn()
    const send = test.fetch.getMockImplementation()!
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      // Headers arrive, then the connection goes quiet; like a real fetch, the body fails once the signal aborts.
      const signal = init!.signal!
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"access_token":'))
          signal.addEventListener('abort', () => controller.error(signal.reason))
        },
      })
      return new Response(body, { status: response.status, headers: response.headers })
    })
    await expect(test.auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'timeout', retryable: true })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'timeout' } })
  })

  it('keeps the session when the refresh response is malformed', async () => {
    const { auth, mock, clock, storage, clientId } = await signedIn()
    const before = await records(storage).get(sessionKey(clientId))
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', status: 200, body: { access_token: 'x' } })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_response' })
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(await records(storage).get(sessionKey(clientId))).toEqual(before)
  })

  it('signs out with session_expired when the token expired and there is no refresh token', async () => {
    const clientId = 'no-refresh-token-app'
    const { auth, clock } = await signedIn({
      clientId,
      server: { clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI], allowedGrantTypes: ['authorization_code'] }] },
    })
    clock.now += 3_600_000
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
  })

  it('returns a token without a refresh token while it is valid', async () => {
    const clientId = 'no-refresh-token-valid-app'
    const { auth, clock } = await signedIn({
      clientId,
      server: { clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI], allowedGrantTypes: ['authorization_code'] }] },
    })
    clock.now += 3_600_000 - 30_000
    const token = await auth.getAccessToken()
    await expect(auth.getAccessToken({ forceRefresh: true })).resolves.toBe(token)
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })

  it('sends the refresh to the endpoints.token override', async () => {
    const { auth, fetch, clock } = await signedIn({ endpoints: { token: `${TEST_ISSUER}/v2/oauth/token?via=proxy` } })
    clock.now += 3_600_000
    fetch.mockClear()
    await auth.getAccessToken()
    expect(new Request(...(fetch.mock.calls[0] as [RequestInfo, RequestInit])).url).toContain('via=proxy')
  })
})

describe('refresh timer', () => {
  it('refreshes refreshLeewaySeconds before expiry while someone is subscribed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { auth, mock, signIn } = createTestClient({ refreshLeewaySeconds: 30 })
    await signIn()
    mock.requests.clear()
    const unsubscribe = auth.subscribe(() => {})
    await vi.advanceTimersByTimeAsync(3_600_000 - 31_000)
    expect(refreshRequests(mock)).toHaveLength(0)
    // Up to 10% of the leeway later (jitter), still well before expiry.
    await vi.advanceTimersByTimeAsync(4_000)
    // The mock signs tokens with WebCrypto, which settles outside the fake clock.
    await vi.waitFor(() => expect(refreshRequests(mock)).toHaveLength(1))
    // And again for the new token.
    await vi.advanceTimersByTimeAsync(3_600_000 - 30_000 + 4_000)
    await vi.waitFor(() => expect(refreshRequests(mock)).toHaveLength(2))
    unsubscribe()
  })

  it('asks at most once a second when the server issues tokens that expire at once (expires_in 0)', async () => {
    const test = createTestClient()
    const send = test.fetch.getMockImplementation()!
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      if (!String(input).endsWith('/v2/oauth/token')) return response
      return Response.json({ ...(await response.json()), expires_in: 0 }, { status: response.status, headers: response.headers })
    })
    await test.signIn()
    test.mock.requests.clear()
    const unsubscribe = test.auth.subscribe(() => {})
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    unsubscribe()
    expect(refreshRequests(test.mock).length).toBeGreaterThanOrEqual(1)
    expect(refreshRequests(test.mock).length).toBeLessThanOrEqual(2)
  })

  it('does not run without subscribers', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { auth, mock, signIn } = createTestClient()
    await signIn()
    mock.requests.clear()
    const unsubscribe = auth.subscribe(() => {})
    unsubscribe()
    expect(vi.getTimerCount()).toBe(0)
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(refreshRequests(mock)).toHaveLength(0)
  })

  it('stops on dispose', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const { auth, mock, signIn } = createTestClient()
    await signIn()
    mock.requests.clear()
    auth.subscribe(() => {})
    auth.dispose()
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(refreshRequests(mock)).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
