import { TelnyxApiError, TelnyxNetworkError } from '@pkce-auth/telnyx'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

const jwksPath = '/v2/oauth/jwks'

/** Arrival times of the requests to `path`, relative to the first. */
function arrivals(mock: { requests: { list(): Array<{ path: string; at: number }> } }, path: string): number[] {
  const times = mock.requests.list().filter((entry) => entry.path === path).map((entry) => entry.at)
  return times.map((at) => at - (times[0] ?? 0))
}

/** Lets the client run up to (not including) `ms` from now, then reports how many requests arrived. */
async function countAfter(mock: { requests: { list(): Array<{ path: string }> } }, ms: number): Promise<number> {
  await vi.advanceTimersByTimeAsync(ms)
  return mock.requests.list().filter((entry) => entry.path === jwksPath).length
}

describe('retries', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('retries a 503 with backoff from 0.5 s doubling, less at most 25 % jitter', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 503, count: 2 })
    const pending = telnyx.oauth.getJwks()

    expect(await countAfter(mock, 0)).toBe(1)
    expect(await countAfter(mock, 374)).toBe(1)
    expect(await countAfter(mock, 126)).toBe(2)
    expect(await countAfter(mock, 1_000)).toBe(3)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([503, 503, 200])
    const [, first = 0, second = 0] = arrivals(mock, jwksPath)
    expect(first).toBeGreaterThanOrEqual(375)
    expect(first).toBeLessThanOrEqual(500)
    expect(second - first).toBeGreaterThanOrEqual(750)
    expect(second - first).toBeLessThanOrEqual(1_000)
  })

  it('gives up after maxRetries and rejects with the last error', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 500, count: Infinity })
    const pending = telnyx.oauth.getJwks()
    const outcome = expect(pending).rejects.toMatchObject({ status: 500, code: '10007' })

    await vi.advanceTimersByTimeAsync(2_000)
    await outcome
    expect(mock.requests.list()).toHaveLength(3)
  })

  it('takes maxRetries from the client and from the call', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: jwksPath, status: 502, count: Infinity })

    await expect(telnyx.oauth.getJwks()).rejects.toMatchObject({ status: 502 })
    expect(mock.requests.list()).toHaveLength(1)

    const pending = telnyx.oauth.getJwks({ maxRetries: 1 })
    const outcome = expect(pending).rejects.toMatchObject({ status: 502 })
    await vi.advanceTimersByTimeAsync(500)
    await outcome
    expect(mock.requests.list()).toHaveLength(3)
  })

  it('waits as long as Retry-After says, in seconds', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 429, headers: { 'retry-after': '2' } })
    const pending = telnyx.oauth.getJwks()

    expect(await countAfter(mock, 1_999)).toBe(1)
    expect(await countAfter(mock, 1)).toBe(2)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
    expect(arrivals(mock, jwksPath)).toEqual([0, 2_000])
  })

  it('waits until the HTTP date Retry-After names', async () => {
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'))
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 503, headers: { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' } })
    const pending = telnyx.oauth.getJwks()

    expect(await countAfter(mock, 4_999)).toBe(1)
    expect(await countAfter(mock, 1)).toBe(2)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
  })

  it('prefers retry-after-ms to Retry-After', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 429, headers: { 'retry-after-ms': '250', 'retry-after': '30' } })
    const pending = telnyx.oauth.getJwks()

    expect(await countAfter(mock, 249)).toBe(1)
    expect(await countAfter(mock, 1)).toBe(2)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
  })

  it('rejects at once when the server asks for more than a minute', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 429, headers: { 'retry-after': '3600' } })

    const error = await telnyx.oauth.getJwks().catch((reason: unknown) => reason)
    expect(error).toBeInstanceOf(TelnyxApiError)
    expect(error).toMatchObject({ status: 429 })
    expect((error as TelnyxApiError).retryAfterMs).toBe(3_600_000)
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('retries 408 and 409', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 408 })
    mock.faults.add({ path: jwksPath, status: 409 })
    const pending = telnyx.oauth.getJwks()

    await vi.advanceTimersByTimeAsync(1_500)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([408, 409, 200])
  })

  it.each([400, 401, 403, 404, 422])('never retries a %i', async (status) => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status, count: Infinity })

    await expect(telnyx.oauth.getJwks()).rejects.toMatchObject({ status })
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('does not retry a 503 that says x-should-retry: false', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 503, headers: { 'x-should-retry': 'false' } })

    await expect(telnyx.oauth.getJwks()).rejects.toMatchObject({ status: 503 })
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('retries a 400 that says x-should-retry: true', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, status: 400, headers: { 'x-should-retry': 'true' } })
    const pending = telnyx.oauth.getJwks()

    await vi.advanceTimersByTimeAsync(500)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([400, 200])
  })

  it('retries a dropped connection and then rejects with a network error', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, drop: true, count: Infinity })
    const pending = telnyx.oauth.getJwks()
    const outcome = pending.catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(1_500)
    const error = await outcome
    expect(error).toBeInstanceOf(TelnyxNetworkError)
    expect(error).toMatchObject({ code: 'network', method: 'GET' })
    expect(mock.requests.list()).toHaveLength(3)
  })

  it('recovers when a dropped connection is followed by an answer', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: jwksPath, drop: true })
    const pending = telnyx.oauth.getJwks()

    await vi.advanceTimersByTimeAsync(500)
    await expect(pending).resolves.toMatchObject({ keys: expect.any(Array) })
  })

  it('retries a 429 from the real rate limiter after its Retry-After', async () => {
    const { mock, telnyx } = await setupTelnyx({ server: { rateLimit: { limit: 1, windowSeconds: 2 } } })
    await telnyx.oauthGrants.list()
    const pending = telnyx.oauthGrants.list()
    // The server checks the token (real crypto) before it counts the request: let it answer first.
    await vi.waitFor(() => expect(mock.requests.list()).toHaveLength(2))

    await vi.advanceTimersByTimeAsync(2_000)
    await expect(pending).resolves.toMatchObject({ data: expect.any(Array) })
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([200, 429, 200])
  })
})
