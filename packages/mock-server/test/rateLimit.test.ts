import { afterEach, describe, expect, it, vi } from 'vitest'
import { bearer, createTestServer, issuer, postForm } from './helpers'

const refresh = postForm({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'app' })

describe('rate limits', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('answers 429 with Retry-After, x-ratelimit-* and Telnyx\'s 10011 body once a client uses up its window', async () => {
    const mock = createTestServer({ rateLimit: { limit: 2, windowSeconds: 30 } })
    const first = await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    expect(first.headers.get('x-ratelimit-limit')).toBe('2')
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1')
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0)
    await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    const limited = await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(30)
    expect(await limited.json()).toMatchObject({ errors: [{ code: '10011', title: 'Too many requests' }] })
  })

  it('counts each client separately', async () => {
    const mock = createTestServer({ rateLimit: { limit: 1, windowSeconds: 30 } })
    await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, refresh)).status).toBe(429)
    const other = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'client_credentials', client_id: 'backend', client_secret: 's3cret' }))
    expect(other.status).toBe(200)
  })

  it('opens a new window after windowSeconds', async () => {
    const mock = createTestServer({ rateLimit: { limit: 1, windowSeconds: 10 } })
    await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10_001 })
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, refresh)).status).toBe(400)
  })

  it('limits the bearer API by the token\'s client', async () => {
    const mock = createTestServer({ rateLimit: { limit: 1, windowSeconds: 60 } })
    const token = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    expect((await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(token))).status).toBe(200)
    const limited = await mock.fetch(`${issuer}/v2/oauth_grants`, bearer(token))
    expect(limited.status).toBe(429)
    expect((await limited.json()).errors[0].code).toBe('10011')
  })

  it('can be turned off', async () => {
    const mock = createTestServer({ rateLimit: false })
    const response = await mock.fetch(`${issuer}/v2/oauth/token`, refresh)
    expect(response.headers.get('x-ratelimit-limit')).toBeNull()
  })
})
