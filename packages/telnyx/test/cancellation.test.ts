import { createTelnyxClient, TelnyxNetworkError } from '@pkce-auth/telnyx'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { baseUrl, setupTelnyx } from './setupTelnyx'

const jwksPath = '/v2/oauth/jwks'

/** Resolves to `value` after `ms` (fake) milliseconds, as a token source does while it refreshes. */
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms))

/** What `outcome` has settled to by now, or 'pending'. */
const settled = (outcome: Promise<unknown>) => Promise.race([outcome, Promise.resolve('pending')])

describe('cancellation', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('rejects with an aborted network error when the signal fires during a request', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, delayMs: 5_000 })
    const controller = new AbortController()
    const outcome = telnyx.oauth.getJwks({ signal: controller.signal }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(100)
    controller.abort(new Error('user left the page'))
    const error = await outcome
    expect(error).toBeInstanceOf(TelnyxNetworkError)
    expect(error).toMatchObject({ code: 'aborted', cause: new Error('user left the page') })
  })

  it('sends nothing when the signal has already fired', async () => {
    const { mock, telnyx } = await setupTelnyx()
    const controller = new AbortController()
    controller.abort()

    await expect(telnyx.oauth.getJwks({ signal: controller.signal })).rejects.toMatchObject({ code: 'aborted' })
    expect(mock.requests.list()).toHaveLength(0)
  })

  it('stops waiting between retries when the signal fires', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 503, headers: { 'retry-after': '10' }, count: Infinity })
    const controller = new AbortController()
    const outcome = telnyx.oauth.getJwks({ signal: controller.signal }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(1_000)
    controller.abort()
    await expect(outcome).resolves.toMatchObject({ code: 'aborted' })
    await vi.advanceTimersByTimeAsync(20_000)
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('rejects as aborted when the signal fires while the token is refreshed after a 401', async () => {
    const { mock, fetch } = await setupTelnyx()
    const fresh = await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' })
    // The server refuses the token the source holds, and the source's refresh is slow.
    const telnyx = createTelnyxClient(
      { auth: { getAccessToken: (options) => (options?.forceRefresh ? later(10_000, fresh) : Promise.resolve('revoked-token')) } },
      { baseUrl, fetch },
    )
    const controller = new AbortController()
    const outcome = telnyx.oauthGrants.list({}, { signal: controller.signal }).catch((reason: unknown) => reason)
    await vi.waitFor(() => expect(mock.requests.list()).toHaveLength(1))

    controller.abort()
    await vi.advanceTimersByTimeAsync(0)

    expect(await settled(outcome)).toMatchObject({ code: 'aborted' })
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([401])
  })

  it('stops auto-paging when the signal fires', async () => {
    const { mock, telnyx } = await setupTelnyx()
    const controller = new AbortController()
    for (let index = 0; index < 3; index += 1) {
      await telnyx.oauthClients.create({ name: `extra ${index}`, allowedScopes: ['admin'], clientType: 'public', allowedGrantTypes: ['authorization_code'] })
    }
    const seen: string[] = []
    const iterate = async () => {
      for await (const client of telnyx.oauthClients.listAutoPaging({ page: { size: 2 } }, { signal: controller.signal })) {
        seen.push(client.clientId)
        controller.abort()
      }
    }

    await expect(iterate()).rejects.toMatchObject({ code: 'aborted' })
    expect(seen).toHaveLength(2)
    expect(mock.requests.list().filter((entry) => entry.path === '/v2/oauth_clients' && entry.method === 'GET')).toHaveLength(1)
  })
})

describe('timeoutMs', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('rejects with a timeout network error after 60 s by default', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: jwksPath, delayMs: 120_000 })
    const outcome = telnyx.oauth.getJwks().catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(59_999)
    expect(await Promise.race([outcome, Promise.resolve('pending')])).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    const error = await outcome
    expect(error).toBeInstanceOf(TelnyxNetworkError)
    expect(error).toMatchObject({ code: 'timeout' })
  })

  it('retries a timed-out attempt, each attempt with its own timeout', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { timeoutMs: 1_000 } })
    mock.faults.add({ path: jwksPath, delayMs: 5_000 })
    const pending = telnyx.oauth.getJwks()

    await vi.advanceTimersByTimeAsync(1_500)
    // The first attempt's answer would take 5 s; the second attempt answers at once.
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
  })

  it('counts the wait for the bearer token in the timeout, and sends nothing then', async () => {
    const { mock, fetch } = await setupTelnyx()
    const telnyx = createTelnyxClient({ auth: { getAccessToken: () => later(120_000, 'late-token') } }, { baseUrl, fetch, maxRetries: 0 })
    const outcome = telnyx.oauthGrants.list({}, { timeoutMs: 1_000 }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(1_000)

    expect(await settled(outcome)).toMatchObject({ code: 'timeout' })
    expect(mock.requests.list()).toHaveLength(0)
  })

  it('honours a timeoutMs of 2^31 ms or more instead of timing out at once', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { timeoutMs: 2 ** 31, maxRetries: 0 } })
    mock.faults.add({ path: jwksPath, delayMs: 50, count: 2 })
    const fromClient = telnyx.oauth.getJwks()
    const fromCall = telnyx.oauth.getJwks({ timeoutMs: 2 ** 40 })

    await vi.advanceTimersByTimeAsync(50)

    await expect(fromClient).resolves.toMatchObject({ keys: expect.any(Array) })
    await expect(fromCall).resolves.toMatchObject({ keys: expect.any(Array) })
  })

  it('refuses a timeoutMs that is not a non-negative number, naming it, before sending anything', async () => {
    const { telnyx, sent } = await setupTelnyx()

    for (const timeoutMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => telnyx.oauth.getJwks({ timeoutMs })).toThrow(TypeError)
      expect(() => telnyx.oauth.getJwks({ timeoutMs })).toThrow(/"timeoutMs"/)
    }
    expect(sent).toHaveLength(0)
  })

  it('takes the timeout from the call', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: jwksPath, delayMs: 5_000 })
    const outcome = telnyx.oauth.getJwks({ timeoutMs: 100 }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(100)
    await expect(outcome).resolves.toMatchObject({ code: 'timeout' })
  })
})
