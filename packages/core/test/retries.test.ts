import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AuthEvents } from '@pkce-auth/core'
import { createMockServer } from '@pkce-auth/mock-server'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

type Test = ReturnType<typeof createTestClient>

const cleanup: (() => void)[] = []
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  cleanup.splice(0).forEach((dispose) => dispose())
})

const tokenRequests = (test: Test) => test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')

/** A signed-in client on a controllable clock, with the default retries. */
async function signedIn(options: Parameters<typeof createTestClient>[0] = {}) {
  const clock = { now: Date.now() }
  const test = createTestClient({ now: () => clock.now, retry: {}, ...options })
  await test.signIn()
  test.mock.requests.clear()
  const errors: AuthEvents['error'][] = []
  cleanup.push(test.auth.on('error', (event) => void errors.push(event)), test.auth.dispose)
  return { ...test, clock, errors }
}

/** Makes `navigator.onLine` report `online()`. */
function connectivity(online: () => boolean) {
  vi.spyOn(navigator, 'onLine', 'get').mockImplementation(online)
}

describe('retries', () => {
  it('retry a token endpoint that answers 503 twice, then keep the user signed in with one new token', async () => {
    const { auth, mock, clock, errors } = await signedIn()
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', status: 503, count: 2 })
    const tokenRefreshed = vi.fn()
    cleanup.push(auth.on('tokenRefreshed', tokenRefreshed))

    await expect(auth.getAccessToken()).resolves.toEqual(expect.any(String))

    expect(tokenRequests({ mock } as Test).map((r) => r.status)).toEqual([503, 503, 200])
    expect(auth.getState()).toMatchObject({ status: 'signedIn', expiresAt: clock.now + 3_600_000 })
    expect(auth.getState()).not.toHaveProperty('error', expect.anything())
    expect(errors).toEqual([
      { error: expect.objectContaining({ code: 'server_error', status: 503 }), willRetry: true },
      { error: expect.objectContaining({ code: 'server_error', status: 503 }), willRetry: true },
    ])
    expect(tokenRefreshed).toHaveBeenCalledTimes(1)
    expect(tokenRefreshed).toHaveBeenCalledWith({ expiresAt: clock.now + 3_600_000, source: 'demand' })
  })

  it('wait as long as Retry-After asks before the next attempt', async () => {
    const { auth, mock, clock } = await signedIn({ storage: 'memory' })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', status: 429, headers: { 'retry-after': '2' } })

    const token = auth.getAccessToken()
    await vi.waitFor(() => expect(tokenRequests({ mock } as Test)).toHaveLength(1))
    await vi.advanceTimersByTimeAsync(1_900)
    expect(tokenRequests({ mock } as Test)).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(100)
    await vi.waitFor(() => expect(tokenRequests({ mock } as Test)).toHaveLength(2))

    await expect(token).resolves.toEqual(expect.any(String))
    const [first, second] = tokenRequests({ mock } as Test)
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2_000)
  })

  it('give up after the configured attempts with a retryable error, still signed in', async () => {
    const { auth, mock, clock, errors } = await signedIn({ retry: { attempts: 2 } })
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', status: 500, count: Infinity })
    const error = await auth.getAccessToken().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'server_error', retryable: true })
    expect(tokenRequests({ mock } as Test)).toHaveLength(2)
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error })
    expect(errors.map((e) => e.willRetry)).toEqual([true, false])
  })

  it('does not retry an OAuth error', async () => {
    const { auth, mock, clock } = await signedIn()
    clock.now += 3_600_000
    mock.faults.add({ path: '/v2/oauth/token', status: 400, body: { error: 'invalid_request' } })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'oauth_error' })
    expect(tokenRequests({ mock } as Test)).toHaveLength(1)
  })

  it('times out an attempt that gets no answer, with a retryable timeout', async () => {
    let hang = false
    const clientId = 'hanging-server-app'
    const mock = createMockServer({ autoApprove: true, clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI] }] })
    // A server that stops answering (a delay fault in-process would not see the abort signal).
    const { auth, clock } = await signedIn({
      clientId,
      mock,
      retry: { attempts: 1, timeoutMs: 50 },
      fetch: (input, init) => hang
        ? new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))
        : mock.fetch(new Request(input, init)),
    })
    hang = true
    clock.now += 3_600_000
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'timeout', retryable: true })
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'timeout' } })
  })

  it('stops retrying a refresh when another tab rotated the refresh token meanwhile, and uses its tokens', async () => {
    const clientId = 'rotated-elsewhere-app'
    const mock = createMockServer({ autoApprove: true, clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI] }] })
    const key = `pkce-auth:${TEST_ISSUER}:${clientId}:session`
    let rotateOnNextRefresh = false
    const { auth, clock, storage } = await signedIn({
      clientId,
      mock,
      fetch: async (input, init) => {
        const request = new Request(input, init)
        if (rotateOnNextRefresh && new URL(request.url).pathname === '/v2/oauth/token') {
          rotateOnNextRefresh = false
          // Another tab's refresh lands in storage while this attempt fails.
          const stored = await records(storage).get<object>(key)
          await records(storage).set(key, { ...stored, accessToken: 'other-tab-at', refreshToken: 'other-tab-rt', expiresAt: clock.now + 3_600_000 })
          return new Response(null, { status: 503 })
        }
        return mock.fetch(request)
      },
    })
    const tokenRefreshed = vi.fn()
    cleanup.push(auth.on('tokenRefreshed', tokenRefreshed))
    rotateOnNextRefresh = true
    clock.now += 3_600_000
    await expect(auth.getAccessToken()).resolves.toBe('other-tab-at')
    expect(mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(0)
    expect(tokenRefreshed).toHaveBeenCalledWith({ expiresAt: clock.now + 3_600_000, source: 'otherTab' })
    expect(auth.getState()).not.toHaveProperty('error', expect.anything())
  })
})

describe('offline', () => {
  it('fails fast with a retryable network error and sends nothing, then refreshes when back online', async () => {
    const { auth, mock, clock, fetch } = await signedIn()
    let online = false
    connectivity(() => online)
    cleanup.push(auth.subscribe(() => {}))
    clock.now += 3_600_000
    fetch.mockClear()

    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'network', retryable: true })
    expect(fetch).not.toHaveBeenCalled()
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'network' } })

    online = true
    window.dispatchEvent(new Event('online'))
    await vi.waitFor(() => expect(tokenRequests({ mock } as Test)).toHaveLength(1))
    await vi.waitFor(() => expect(auth.getState()).not.toHaveProperty('error', expect.anything()))
    expect(auth.getState()).toMatchObject({ status: 'signedIn', expiresAt: clock.now + 3_600_000 })
  })

  it('keeps returning a token that is still valid', async () => {
    const { auth, clock } = await signedIn()
    const token = await auth.getAccessToken()
    connectivity(() => false)
    clock.now += 3_600_000 - 30_000
    await expect(auth.getAccessToken()).resolves.toBe(token)
  })
})

describe('refresh lock', () => {
  it('rejects with a retryable timeout when another tab holds the lock too long, keeping the user signed in', async () => {
    // A lock manager whose refresh lock another tab never releases (other locks are granted at once).
    const locks = {
      request: (_name: string, options: { signal: AbortSignal } | (() => unknown)) =>
        typeof options === 'function'
          ? options()
          : new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason))),
    }
    vi.spyOn(navigator, 'locks', 'get').mockReturnValue(locks as unknown as LockManager)
    const { auth, mock, clock } = await signedIn({ retry: { timeoutMs: 50 } })
    clock.now += 3_600_000
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'timeout', retryable: true })
    expect(auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'timeout' } })
    expect(tokenRequests({ mock } as Test)).toHaveLength(0)
  })
})
