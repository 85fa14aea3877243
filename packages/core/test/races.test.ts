import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '@pkce-auth/core'
import type { AuthState, AuthStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { heldStorage } from '../../../test/helpers/heldStorage'

afterEach(() => {
  vi.useRealTimers()
})

type Test = ReturnType<typeof createTestClient>

const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

/**
 * Holds back the next token request of `grantType` until the returned `release` is called, so a
 * test can order it against another action. `sent` resolves once the request has reached the fetch.
 * Like a real fetch, the held request fails when its signal aborts; `aborted()` says whether it did.
 */
function holdTokenRequest(test: Test, grantType: string) {
  let release!: () => void
  let arrived!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const sent = new Promise<void>((resolve) => (arrived = resolve))
  const send = test.fetch.getMockImplementation()!
  let held = false
  let aborted = false
  test.fetch.mockImplementation(async (input, init) => {
    if (!held && new URLSearchParams(String(init?.body)).get('grant_type') === grantType) {
      held = true
      arrived()
      const { signal } = new Request(input, init)
      await Promise.race([
        gate,
        new Promise((_, reject) => signal.addEventListener('abort', () => ((aborted = true), reject(signal.reason)))),
      ])
    }
    return send(input, init)
  })
  return { release, sent, aborted: () => aborted }
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


  it('a sign-in waits for a refresh under way to land, then replaces its session', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    clock.now += 3_600_000
    const callback = await test.authorize()
    const { release, sent } = holdTokenRequest(test, 'refresh_token')
    const token = test.auth.getAccessToken()
    await sent
    const redirect = test.auth.handleRedirect(callback)
    // The code is exchanged at once; storing the new session waits for the refresh, which holds the lock.
    await expect.poll(() => test.mock.requests.list().filter((r) => r.grantType === 'authorization_code')).toHaveLength(2)
    release()
    const refreshed = await token
    await redirect
    const fresh = await test.auth.getAccessToken()
    expect(fresh).not.toBe(refreshed)
    await expect(reloadTestClient(test, { now: () => clock.now }).auth.getAccessToken()).resolves.toBe(fresh)
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
      // Tab A refreshes, then signs out: B reads storage for the refresh while the sign-out is on its way.
      a.auth.dispose()
      await a.auth.getAccessToken({ forceRefresh: true })
      await a.auth.signOut({ revoke: false })
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

  it('are read one at a time: a sign-out arriving while a refresh message still reads storage is applied after it', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    // Tab B's reads of the session can be held back, as a slow IndexedDB read would be.
    const heldB = heldStorage(shared)
    const b = createTestClient({ storage: heldB.storage, mock: a.mock, clientId: a.clientId })
    const stop = b.auth.subscribe(() => {})
    const channel = new BroadcastChannel(`pkce-auth:${TEST_ISSUER}:${a.clientId}`)
    try {
      await b.auth.getAccessToken()
      // A refreshes (its own messages unsent), then tells B of the refresh and, right after, of its sign-out.
      a.auth.dispose()
      await a.auth.getAccessToken({ forceRefresh: true })
      const { release, reached: reading } = heldB.hold('get')
      channel.postMessage({ type: 'tokensUpdated' })
      await reading
      channel.postMessage({ type: 'signedOut', reason: 'signed_out' })
      await settle()
      // B's read of the refreshed session lands after the sign-out message arrived: it must not sign B back in.
      release()
      await settle()
      expect(b.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    } finally {
      channel.close()
      stop()
      b.auth.dispose()
    }
  })

  it('do not bring back a session that another tab signed out while this tab was storing its refresh', async () => {
    const shared = memoryStorage()
    // Tab A's writes of the session can be held back, as a slow IndexedDB write would be.
    const heldA = heldStorage(shared)
    const storageA = heldA.storage
    const a = createTestClient({ storage: storageA })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      const { release, reached: writing } = heldA.hold('set')
      const refreshed = a.auth.getAccessToken({ forceRefresh: true })
      await writing
      // B shows the sign-out at once; its storage change waits for A's refresh, which holds the lock.
      const signingOut = b.auth.signOut({ revoke: false })
      await expect.poll(() => b.auth.getState().status).toBe('signedOut')
      release()
      await Promise.all([refreshed.catch(() => {}), signingOut])
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

describe('tabs changing the session at once', () => {
  /** Tabs A and B on one shared storage (B's writes can be held), both listening. */
  async function twoTabs(options: { holdA?: boolean } = {}) {
    const shared = memoryStorage()
    const heldA = heldStorage(shared)
    const a = createTestClient({ storage: options.holdA ? heldA.storage : shared })
    await a.signIn()
    const heldB = heldStorage(shared)
    const b = createTestClient({ storage: heldB.storage, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    await b.auth.getAccessToken()
    const reload = () => createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const close = () => {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
    return { a, b, heldA, heldB, reload, close }
  }

  it('a sign-out waits for another tab\'s refresh to land, deletes what it stored and revokes its tokens', async () => {
    const { a, b, heldB, reload, close } = await twoTabs()
    try {
      const { release, reached: writing } = heldB.hold('set')
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await writing
      const signingOut = a.auth.signOut()
      await expect.poll(() => a.auth.getState().status).toBe('signedOut')
      release()
      const token = await refreshed
      await signingOut
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      await expect(reload().auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
      // The tokens B's refresh got, which A never held, are revoked too.
      const api = await a.mock.fetch(`${TEST_ISSUER}/v2/oauth_grants`, { headers: { authorization: `Bearer ${token}` } })
      expect(api.status).toBe(401)
    } finally {
      close()
    }
  })

  it('a sign-in completes while another tab signs the old session out, and the tabs follow the new one', async () => {
    const { a, b, heldA, reload, close } = await twoTabs({ holdA: true })
    try {
      const callback = await a.authorize()
      const { release, reached: writing } = heldA.hold('set')
      const redirect = a.auth.handleRedirect(callback)
      await writing
      const signingOut = b.auth.signOut({ revoke: false })
      await expect.poll(() => b.auth.getState().status).toBe('signedOut')
      release()
      await expect(redirect).resolves.toEqual({})
      await signingOut
      await settle()
      // B's sign-out ends the session B had; the sign-in A stored meanwhile is another one, and stays.
      const token = await a.auth.getAccessToken()
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
      await expect(reload().auth.getAccessToken()).resolves.toBe(token)
      await expect.poll(() => b.auth.getState().status).toBe('signedIn')
      expect(await b.auth.getAccessToken()).toBe(token)
    } finally {
      close()
    }
  })

  it('a new sign-in in one tab is stored after the old session\'s refresh in another, and both follow it', async () => {
    const { a, b, heldB, reload, close } = await twoTabs()
    try {
      const { release, reached: writing } = heldB.hold('set')
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await writing
      const signingIn = a.signIn({ prompt: 'login' })
      release()
      const old = await refreshed
      await signingIn
      await settle()
      const token = await a.auth.getAccessToken()
      expect(token).not.toBe(old)
      expect(await b.auth.getAccessToken()).toBe(token)
      expect(await reload().auth.getAccessToken()).toBe(token)
    } finally {
      close()
    }
  })

  it('a new sign-in in one tab survives the old session\'s invalid_grant in another', async () => {
    const { a, b, reload, close } = await twoTabs()
    try {
      const old = a.mock.grants.list().map((grant) => grant.id)
      const { release, sent } = holdTokenRequest(b, 'refresh_token')
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await sent
      // The server has ended the old session; tab A signs in anew while B's refresh of it is on the wire.
      for (const id of old) a.mock.revokeGrant(id)
      const signingIn = a.signIn({ prompt: 'login' })
      release()
      await expect(refreshed).rejects.toMatchObject({ code: 'invalid_grant' })
      await signingIn
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
      const token = await a.auth.getAccessToken()
      expect(await b.auth.getAccessToken()).toBe(token)
      expect(await reload().auth.getAccessToken()).toBe(token)
    } finally {
      close()
    }
  })

  it('a refresh that fails after a sign-out leaves the signed-out state without its error', async () => {
    const test = createTestClient()
    await test.signIn()
    const { release, sent } = holdTokenRequest(test, 'refresh_token')
    const refreshed = test.auth.getAccessToken({ forceRefresh: true })
    await sent
    const signingOut = test.auth.signOut({ revoke: false })
    test.mock.faults.add({ path: '/v2/oauth/token', drop: true })
    release()
    await expect(refreshed).rejects.toMatchObject({ code: 'login_required' })
    await signingOut
    expect(test.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
  })

  it('one failed session write in one tab does not cost any tab the session', async () => {
    const clock = { now: Date.now() }
    const shared = memoryStorage()
    let failNext = false
    // Tab A's IndexedDB connection fails once (Safari's "Connection to Indexed Database server lost").
    const storageA: AuthStorage = {
      get: (key) => shared.get(key),
      del: (key) => shared.del(key),
      set: async (key, value) => {
        if (failNext && key.endsWith(':session')) {
          failNext = false
          throw new DOMException('Connection to Indexed Database server lost', 'UnknownError')
        }
        return shared.set(key, value)
      },
    }
    const a = createTestClient({ storage: storageA, now: () => clock.now })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId, now: () => clock.now })
    const fallback = vi.fn()
    const stops = [a.auth.on('storageFallback', fallback), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      failNext = true
      clock.now += 3_600_000
      await a.auth.getAccessToken()
      clock.now += 3_600_000
      await expect(b.auth.getAccessToken()).resolves.toEqual(expect.any(String))
      await settle()
      expect(fallback).not.toHaveBeenCalled()
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
      expect(b.auth.getState()).toMatchObject({ status: 'signedIn' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('a refresh made moot', () => {
  it('is stopped when this tab signs out, so storage is cleared at once', async () => {
    const test = createTestClient()
    await test.signIn()
    const stall = holdTokenRequest(test, 'refresh_token')
    const refreshed = test.auth.getAccessToken({ forceRefresh: true }).catch((error: unknown) => error)
    await stall.sent
    await test.auth.signOut({ revoke: false })
    expect(await refreshed).toMatchObject({ code: 'login_required' })
    expect(stall.aborted()).toBe(true)
    expect(test.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    await expect(reloadTestClient(test).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    stall.release()
  })

  it('is stopped in another tab when this one signs out, so the sign-out does not wait for it', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      const stall = holdTokenRequest(b, 'refresh_token')
      const refreshed = b.auth.getAccessToken({ forceRefresh: true }).catch((error: unknown) => error)
      await stall.sent
      await a.auth.signOut({ revoke: false })
      expect(await refreshed).toMatchObject({ code: 'login_required' })
      expect(stall.aborted()).toBe(true)
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      await expect(createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId }).auth.getAccessToken())
        .rejects.toMatchObject({ code: 'login_required' })
      stall.release()
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})
