import { TelnyxApiError, TelnyxNetworkError } from '@pkce-auth/telnyx'
import type { OAuthClientCreateParams } from '@pkce-auth/telnyx'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

const jwksPath = '/v2/oauth/jwks'
const clientsPath = '/v2/oauth_clients'
const tokenPath = '/v2/oauth/token'
const newClient: OAuthClientCreateParams = { name: 'Once', allowedScopes: ['admin'], clientType: 'public', allowedGrantTypes: ['authorization_code'] }

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

  it('refuses a maxRetries that is not a non-negative number, naming it, before sending anything', async () => {
    const { telnyx, sent } = await setupTelnyx()

    for (const maxRetries of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => telnyx.oauth.getJwks({ maxRetries })).toThrow(TypeError)
      expect(() => telnyx.oauth.getJwks({ maxRetries })).toThrow(/"maxRetries"/)
    }
    expect(sent).toHaveLength(0)
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

describe('retries of requests that are not idempotent', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const answered = (mock: { requests: { list(): Array<{ method: string; path: string; status: number }> } }, path: string) =>
    mock.requests.list().filter((entry) => entry.method === 'POST' && entry.path === path).map((entry) => entry.status)

  it('creates one OAuth client when the create times out after the server processed it', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: clientsPath, method: 'POST', delayMs: 150 })
    const outcome = telnyx.oauthClients.create(newClient, { timeoutMs: 100, maxRetries: 1 }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(5_000)

    expect(await outcome).toMatchObject({ code: 'timeout', method: 'POST' })
    // The server still creates the client the client gave up on; it must be the only one.
    await vi.waitFor(() => expect(answered(mock, clientsPath)).toEqual([201]))
    expect((await telnyx.oauthClients.list({ filter: { name: 'Once' } })).data).toHaveLength(1)
  })

  it('does not send a create again after a network error', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: clientsPath, method: 'POST', drop: true })
    const outcome = telnyx.oauthClients.create(newClient).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(5_000)

    expect(await outcome).toMatchObject({ code: 'network', method: 'POST' })
    expect(answered(mock, clientsPath)).toEqual([0])
  })

  it('does not send a create again after a 500 or a 504', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: clientsPath, method: 'POST', status: 500 })
    mock.faults.add({ path: clientsPath, method: 'POST', status: 504 })

    await expect(telnyx.oauthClients.create(newClient)).rejects.toMatchObject({ status: 500 })
    await expect(telnyx.oauthClients.create(newClient)).rejects.toMatchObject({ status: 504 })
    expect(answered(mock, clientsPath)).toEqual([500, 504])
  })

  it('sends a create again after a 429 or a 503, which say the server did not act', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: clientsPath, method: 'POST', status: 429, headers: { 'retry-after': '1' } })
    mock.faults.add({ path: clientsPath, method: 'POST', status: 503 })
    const pending = telnyx.oauthClients.create(newClient)

    // Retry-After's 1 s, then the second retry's backoff of at most 1 s.
    await vi.advanceTimersByTimeAsync(2_000)

    await expect(pending).resolves.toMatchObject({ name: 'Once' })
    expect(answered(mock, clientsPath)).toEqual([429, 503, 201])
  })

  it('does not send an authorization code twice after a 500', async () => {
    const { mock, telnyx } = await setupTelnyx({ credentials: {} })
    mock.faults.add({ path: tokenPath, status: 500 })

    await expect(
      telnyx.oauth.token({ grantType: 'authorization_code', code: 'code', codeVerifier: 'x'.repeat(43), redirectUri: 'https://app.test/callback', clientId: 'spa' }),
    ).rejects.toMatchObject({ status: 500 })
    expect(answered(mock, tokenPath)).toEqual([500])
  })

  it('does not send a refresh token twice after a timeout', async () => {
    const { mock, telnyx } = await setupTelnyx({ credentials: {} })
    mock.faults.add({ path: tokenPath, delayMs: 2_000 })
    const outcome = telnyx.oauth.token({ grantType: 'refresh_token', refreshToken: 'unknown', clientId: 'spa' }, { timeoutMs: 1_000 }).catch((reason: unknown) => reason)

    await vi.advanceTimersByTimeAsync(5_000)

    expect(await outcome).toMatchObject({ code: 'timeout' })
    await vi.waitFor(() => expect(answered(mock, tokenPath)).toHaveLength(1))
  })

  it('still retries a client_credentials token request, which is safe to repeat', async () => {
    const { mock, telnyx } = await setupTelnyx({ credentials: {} })
    mock.faults.add({ path: tokenPath, status: 500 })
    const pending = telnyx.oauth.token({ grantType: 'client_credentials', clientId: 'service', clientSecret: 'service-secret' })

    await vi.advanceTimersByTimeAsync(500)

    await expect(pending).resolves.toMatchObject({ tokenType: 'Bearer' })
    expect(answered(mock, tokenPath)).toEqual([500, 200])
  })
})
