import { TelnyxNetworkError } from '@pkce-auth/telnyx'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

const jwksPath = '/v2/oauth/jwks'

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

  it('takes the timeout from the call', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: jwksPath, delayMs: 5_000 })
    const outcome = telnyx.oauth.getJwks({ timeoutMs: 100 }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(100)
    await expect(outcome).resolves.toMatchObject({ code: 'timeout' })
  })
})
