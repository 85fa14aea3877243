import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '@pkce-auth/core'
import type { AuthState, AuthStorage } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'

afterEach(() => {
  vi.useRealTimers()
})

type Test = ReturnType<typeof createTestClient>

/**
 * Holds back the next token request of `grantType` until the returned `release` is called, so a
 * test can order it against another action. `sent` resolves once the request has reached the fetch.
 */
function holdTokenRequest(test: Test, grantType: string) {
  let release!: () => void
  let arrived!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const sent = new Promise<void>((resolve) => (arrived = resolve))
  const send = test.fetch.getMockImplementation()!
  let held = false
  test.fetch.mockImplementation(async (input, init) => {
    if (!held && new URLSearchParams(String(init?.body)).get('grant_type') === grantType) {
      held = true
      arrived()
      await gate
    }
    return send(input, init)
  })
  return { release, sent }
}

describe('races', () => {
  it('stores a new session before the state says signed in, so a reload right then keeps it', async () => {
    const test = createTestClient()
    const key = `pkce-auth:${TEST_ISSUER}:${test.clientId}:session`
    // What storage holds at the moment each listener sees the session (memoryStorage reads at call time).
    const stored: Promise<unknown>[] = []
    test.auth.subscribe(() => {
      if (test.auth.getState().status === 'signedIn') stored.push(test.storage.get(key))
    })
    await test.signIn()
    await test.auth.getAccessToken({ forceRefresh: true })
    expect(stored).toHaveLength(2)
    for (const record of await Promise.all(stored)) expect(record).toBeDefined()
    test.auth.dispose()
  })

  it('a second sign-in keeps nothing of the previous session', async () => {
    const test = createTestClient()
    await test.signIn({ scope: 'openid admin' })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', user: { sub: expect.any(String) } })
    expect(test.auth.getState()).not.toHaveProperty('user.unverified')
    // Signed in again without openid: no ID token, so the user comes from the new access token.
    await test.signIn({ scope: 'admin' })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin', user: { unverified: true } })
  })


  it('a sign-in completes when a refresh finishes during its code exchange', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    clock.now += 3_600_000
    const callback = await test.authorize()
    const { release, sent } = holdTokenRequest(test, 'authorization_code')
    const redirect = test.auth.handleRedirect(callback)
    await sent
    await test.auth.getAccessToken()
    release()
    await expect(redirect).resolves.toEqual({})
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', expiresAt: clock.now + 3_600_000 })
    expect(test.auth.getState()).not.toHaveProperty('error')
  })


  it('a refresh overtaken by a sign-in resolves to the new session token', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    clock.now += 3_600_000
    const callback = await test.authorize()
    const { release, sent } = holdTokenRequest(test, 'refresh_token')
    const token = test.auth.getAccessToken()
    await sent
    await test.auth.handleRedirect(callback)
    const signedIn = test.auth.getState()
    const fresh = await test.auth.getAccessToken()
    release()
    await expect(token).resolves.toBe(fresh)
    expect(test.auth.getState()).toBe(signedIn)
  })


  it('getAccessToken while signed out leaves the state as it is', async () => {
    const test = createTestClient()
    await test.auth.getAccessToken().catch(() => {})
    const before: AuthState = test.auth.getState()
    const listener = vi.fn()
    test.auth.subscribe(listener)
    await expect(test.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    await expect(test.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(test.auth.getState()).toBe(before)
    expect(listener).not.toHaveBeenCalled()
  })


  it('notifies once while refreshes ahead of expiry keep failing the same way', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    const token = await test.auth.getAccessToken()
    clock.now += 3_600_000 - 30_000
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, count: 3 })
    const listener = vi.fn()
    test.auth.subscribe(listener)
    try {
      for (let i = 0; i < 3; i++) await expect(test.auth.getAccessToken()).resolves.toBe(token)
      expect(test.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'server_error' } })
      expect(listener).toHaveBeenCalledTimes(1)
    } finally {
      test.auth.dispose()
    }
  })

  it('signs out at expiry a listened-to session that has no refresh token', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const clientId = 'no-refresh-token-timer-app'
    const test = createTestClient({
      clientId,
      server: { clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI], allowedGrantTypes: ['authorization_code'] }] },
    })
    await test.signIn()
    const expired = vi.fn()
    test.auth.on('sessionExpired', expired)
    try {
      await vi.advanceTimersByTimeAsync(3_600_000 - 1_000)
      expect(test.auth.getState()).toMatchObject({ status: 'signedIn' })
      await vi.advanceTimersByTimeAsync(2_000)
      await vi.waitFor(() => expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' }))
      expect(expired).toHaveBeenCalledTimes(1)
    } finally {
      test.auth.dispose()
    }
  })

  it('leaves no timer behind after dispose when refreshes on wake failed', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const test = createTestClient()
    await test.signIn()
    const errors = vi.fn()
    test.auth.on('error', errors)
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, count: 100 })
    vi.setSystemTime(Date.now() + 3_600_000)
    // Focus and visibility often come together: two checks share one failing refresh.
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('focus'))
    await vi.waitFor(() => expect(errors).toHaveBeenCalled())
    await vi.advanceTimersByTimeAsync(0)
    test.auth.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('tab messages', () => {
  it('are followed in the order sent, so a sign-out right after a refresh leaves the tab signed out', async () => {
    const clock = { now: Date.now() }
    const a = createTestClient({ storage: 'indexeddb', now: () => clock.now })
    await a.signIn()
    const b = createTestClient({ storage: 'indexeddb', now: () => clock.now, mock: a.mock, clientId: a.clientId })
    const stop = b.auth.subscribe(() => {})
    try {
      await b.auth.getAccessToken()
      // Tab A refreshes, then signs out: B reads the refreshed session while the sign-out is on its way.
      a.auth.dispose()
      await a.auth.getAccessToken({ forceRefresh: true })
      const channel = new BroadcastChannel(`pkce-auth:${TEST_ISSUER}:${a.clientId}`)
      channel.postMessage({ type: 'tokensUpdated' })
      channel.postMessage({ type: 'signedOut', reason: 'signed_out' })
      channel.close()
      await expect.poll(() => b.auth.getState().status).toBe('signedOut')
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(b.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    } finally {
      stop()
      b.auth.dispose()
    }
  })

  it('do not bring back a session that another tab signed out while this tab was storing its refresh', async () => {
    const shared = memoryStorage()
    // Tab A's writes of the session can be held back, as a slow IndexedDB write would be.
    let hold: Promise<void> | undefined
    let arrived!: () => void
    const writing = new Promise<void>((resolve) => (arrived = resolve))
    const storageA: AuthStorage = {
      get: (key) => shared.get(key),
      del: (key) => shared.del(key),
      set: async (key, value) => {
        if (hold && key.endsWith(':session')) {
          arrived()
          await hold
        }
        return shared.set(key, value)
      },
    }
    const a = createTestClient({ storage: storageA })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      let release!: () => void
      hold = new Promise((resolve) => (release = resolve))
      const refreshed = a.auth.getAccessToken({ forceRefresh: true })
      await writing
      await b.auth.signOut({ revoke: false })
      await expect.poll(() => a.auth.getState().status).toBe('signedOut')
      release()
      await refreshed.catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      const reloaded = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
      await expect(reloaded.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})
