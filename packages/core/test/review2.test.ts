import { idbStorage } from '@pkce-auth/core'
import { dpop } from '@pkce-auth/core/dpop'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import { records } from './records'

/** Defects found in the second session-12 review: each test failed on the code before its fix. */

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const cleanup: (() => void)[] = []
const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

afterEach(() => {
  setAddress('about:blank')
  cleanup.splice(0).forEach((dispose) => dispose())
})

describe('a callback page holding a stored session whose refresh token is dead', () => {
  it('does not refresh (nor end) that session during the code exchange: no signedOut, no sessionExpired, the sign-in stands', async () => {
    const test = createTestClient()
    await test.signIn()
    // The session the user comes back to sign in over: its access token expired, its refresh token refused.
    const stored = records(test.storage)
    const key = sessionKey(test.clientId)
    await stored.set(key, { ...(await stored.get<object>(key)), expiresAt: Date.now() - 1000, refreshToken: 'dead' })
    setAddress(await test.authorize())
    const page = reloadTestClient(test)
    cleanup.push(page.auth.dispose)
    const seen: string[] = []
    cleanup.push(page.auth.subscribe(() => seen.push(page.auth.getState().status)))
    page.auth.on('sessionExpired', () => seen.push('sessionExpired'))
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 200 })
    const outcome = page.auth.handleRedirect()
    await tick()
    // The page gets focus during the code exchange: the client re-checks the session in hand.
    window.dispatchEvent(new Event('focus'))
    await expect(outcome).resolves.toEqual({})
    expect(seen).toEqual(['signedIn'])
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(test.mock.requests.list().filter((r) => r.grantType === 'refresh_token')).toHaveLength(0)
  })
})

describe('a callback page holding a dead stored session, with DPoP', () => {
  it("does not delete the key the new sign-in is bound to: the sign-in stands, and refreshes", async () => {
    const test = createTestClient({ plugins: [dpop()], server: { dpop: true } })
    await test.signIn()
    const stored = records(test.storage)
    const key = sessionKey(test.clientId)
    await stored.set(key, { ...(await stored.get<object>(key)), expiresAt: Date.now() - 1000, refreshToken: 'dead' })
    // The new sign-in reuses the client's key (dpop_jkt), as every sign-in over a session does.
    setAddress(await test.authorize())
    const page = reloadTestClient(test, { plugins: [dpop()] })
    cleanup.push(page.auth.dispose, page.auth.subscribe(() => {}))
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 200 })
    const outcome = page.auth.handleRedirect()
    await tick()
    window.dispatchEvent(new Event('focus'))
    await expect(outcome).resolves.toEqual({})
    await tick(250)
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn' })
    await expect(page.auth.getAccessToken({ forceRefresh: true })).resolves.toEqual(expect.any(String))
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn' })
  })
})

describe('dpop: a transient IndexedDB failure reading the key', () => {
  // Safari's "Connection to Indexed Database server lost", once, on the key's record only.
  const failKeyReadOnce = () => {
    const get = IDBObjectStore.prototype.get
    let failed = false
    const spy = vi.spyOn(IDBObjectStore.prototype, 'get').mockImplementation(function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      if (!failed && String(key).endsWith(':dpop-key')) {
        failed = true
        throw new DOMException('Connection to Indexed Database server lost', 'UnknownError')
      }
      return get.call(this, key)
    })
    cleanup.push(() => spy.mockRestore())
  }
  const dpopClient = () => createTestClient({ plugins: [dpop()], server: { dpop: true } })

  it('at page load does not end the session: it is restored, and stays stored', async () => {
    const test = dpopClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    failKeyReadOnce()
    const page = reloadTestClient(test, { plugins: [dpop()] })
    cleanup.push(page.auth.dispose)
    await expect(page.auth.getAccessToken()).resolves.toBe(token)
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(await records(test.storage).get(sessionKey(test.clientId))).toMatchObject({ accessToken: token })
  })

  it('before a refresh does not end the session: the refresh fails for now, and the next one goes through', async () => {
    const test = dpopClient()
    await test.signIn()
    failKeyReadOnce()
    await expect(test.auth.getAccessToken({ forceRefresh: true })).rejects.toMatchObject({ code: 'storage_unavailable' })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn' })
    await expect(test.auth.getAccessToken({ forceRefresh: true })).resolves.toEqual(expect.any(String))
  })
})

describe('a callback page while another tab signs in', () => {
  it('stays loading until its own callback settles, then shows its own sign-in', async () => {
    const a = createTestClient({ storage: 'indexeddb' })
    await a.signIn()
    setAddress(await a.authorize())
    const page = reloadTestClient(a, { storage: 'indexeddb' })
    const other = createTestClient({ storage: 'indexeddb', mock: a.mock, clientId: a.clientId })
    cleanup.push(page.auth.dispose, other.auth.dispose)
    const seen: string[] = []
    cleanup.push(page.auth.subscribe(() => seen.push(page.auth.getState().status)))
    a.mock.faults.add({ path: '/v2/oauth/token', delayMs: 300 })
    const outcome = page.auth.handleRedirect()
    await tick()
    // Another tab signs in (a new sign-in, told over the channel) during this page's code exchange.
    await other.signIn()
    await tick()
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await outcome
    expect(seen).toEqual(['signedIn'])
    await tick()
    expect(await other.auth.getAccessToken()).toBe(await page.auth.getAccessToken())
  })

  it("shows the other tab's sign-in, from storage, when its own callback fails meanwhile", async () => {
    const a = createTestClient({ storage: 'indexeddb' })
    await a.signIn()
    const callback = new URL(await a.authorize())
    callback.searchParams.set('state', 'forged')
    setAddress(callback.href)
    const page = reloadTestClient(a, { storage: 'indexeddb' })
    const other = createTestClient({ storage: 'indexeddb', mock: a.mock, clientId: a.clientId })
    cleanup.push(page.auth.dispose, other.auth.dispose)
    const seen: string[] = []
    cleanup.push(page.auth.subscribe(() => seen.push(page.auth.getState().status)))
    await tick()
    await other.signIn()
    await tick()
    expect(page.auth.getState()).toEqual({ status: 'loading' })
    await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'state_mismatch' })
    expect(seen).not.toContain('signedOut')
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'state_mismatch' } })
    expect(await page.auth.getAccessToken()).toBe(await other.auth.getAccessToken())
  })
})

describe('dispose() during a callback', () => {
  it('the sign-in it still stores is told to the other tabs', async () => {
    const test = createTestClient({ storage: 'indexeddb' })
    const other = reloadTestClient(test, { storage: 'indexeddb' })
    cleanup.push(other.auth.subscribe(() => {}), other.auth.dispose)
    await expect.poll(() => other.auth.getState().status).toBe('signedOut')
    setAddress(await test.authorize())
    const page = reloadTestClient(test, { storage: 'indexeddb' })
    cleanup.push(page.auth.subscribe(() => {}))
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 50 })
    const outcome = page.auth.handleRedirect()
    await tick(10)
    // The app drops the client (an <Activity> hid its provider) while the code is being exchanged.
    page.auth.dispose()
    await outcome
    const stored = await records(idbStorage()).get<{ accessToken: string }>(sessionKey(test.clientId))
    expect(stored).toBeDefined()
    await expect.poll(() => other.auth.getState().status).toBe('signedIn')
    expect(await other.auth.getAccessToken()).toBe(stored!.accessToken)
  })
})
