import { createStore, entries } from 'idb-keyval'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { idbStorage } from '@pkce-auth/core'
import type { AuthEvents, AuthPlugin } from '@pkce-auth/core'
import { leaseLock } from '@pkce-auth/core/lease-lock'
import { createTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { records } from './records'

type Test = ReturnType<typeof createTestClient>

const cleanup: (() => void)[] = []
afterEach(() => {
  cleanup.splice(0).forEach((dispose) => dispose())
  vi.restoreAllMocks()
})

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const tokenRequests = (test: Test) => test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')

/** Records every event of a client, in order, as `[name, event]`. */
function recordEvents(test: Test) {
  const events: [keyof AuthEvents, unknown][] = []
  const names = ['signedIn', 'tokenRefreshed', 'sessionExpired', 'signedOut', 'storageFallback', 'error'] as const
  for (const name of names) cleanup.push(test.auth.on(name, (event) => void events.push([name, event])))
  return events
}

/**
 * Two tabs of one origin: two clients over one (fake) IndexedDB database and one BroadcastChannel
 * name, on a shared clock, both signed in and listening.
 */
async function twoTabs(options: { plugins?: AuthPlugin[] } = {}) {
  const clock = { now: Date.now() }
  const a = createTestClient({ storage: 'indexeddb', now: () => clock.now, ...options })
  await a.signIn()
  const b = createTestClient({ storage: 'indexeddb', now: () => clock.now, mock: a.mock, clientId: a.clientId, ...options })
  await b.auth.getAccessToken()
  for (const { auth } of [a, b]) {
    cleanup.push(auth.subscribe(() => {}), auth.dispose)
  }
  a.mock.requests.clear()
  a.fetch.mockClear()
  return { a, b, clock }
}

describe('tabs', () => {
  it('send one refresh request for concurrent getAccessToken calls in two tabs', async () => {
    const { a, b, clock } = await twoTabs()
    clock.now += 3_600_000
    const tokens = await Promise.all([
      ...Array.from({ length: 5 }, () => a.auth.getAccessToken()),
      ...Array.from({ length: 5 }, () => b.auth.getAccessToken()),
    ])
    expect(new Set(tokens).size).toBe(1)
    expect(tokenRequests(a)).toHaveLength(1)
    // Either tab may win the lease; the other sends nothing.
    expect([a.fetch, b.fetch].filter((fetch) => fetch.mock.calls.length > 0)).toHaveLength(1)
    expect(a.auth.getState()).toEqual(b.auth.getState())
  })

  it('take turns without Web Locks too, through the leaseLock add-on: one refresh, and a sign-out reaches both', async () => {
    vi.spyOn(navigator, 'locks', 'get').mockReturnValue(null as unknown as LockManager)
    const { a, b, clock } = await twoTabs({ plugins: [leaseLock()] })
    clock.now += 3_600_000
    const tokens = await Promise.all([a.auth.getAccessToken(), b.auth.getAccessToken(), a.auth.getAccessToken()])
    expect(new Set(tokens).size).toBe(1)
    expect(tokenRequests(a)).toHaveLength(1)
    expect(await records(idbStorage()).get(sessionKey(a.clientId))).toMatchObject({ accessToken: tokens[0] })
    await b.auth.signOut({ revoke: false })
    await expect.poll(() => a.auth.getState().status).toBe('signedOut')
    expect(await records(idbStorage()).get(sessionKey(a.clientId))).toBeUndefined()
  })

  it('use a token another tab stored, with no request and a tokenRefreshed from otherTab', async () => {
    const { a, b, clock } = await twoTabs()
    const events = recordEvents(b)
    clock.now += 3_600_000
    const token = await a.auth.getAccessToken()
    expect(await b.auth.getAccessToken()).toBe(token)
    expect(tokenRequests(a)).toHaveLength(1)
    expect(events).toEqual([['tokenRefreshed', { expiresAt: clock.now + 3_600_000, source: 'otherTab' }]])
  })

  it('follow a refresh in another tab over the channel, without any request', async () => {
    const { a, b } = await twoTabs()
    const token = await a.auth.getAccessToken({ forceRefresh: true })
    await expect.poll(() => b.auth.getState()).toEqual(a.auth.getState())
    expect(await b.auth.getAccessToken()).toBe(token)
    expect(b.fetch).not.toHaveBeenCalled()
  })

  it('sign out every tab when one signs out, with the reason and no request from the others', async () => {
    const { a, b } = await twoTabs()
    const events = recordEvents(b)
    await a.auth.signOut()
    await expect.poll(() => b.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    expect(b.fetch).not.toHaveBeenCalled()
    expect(tokenRequests(a)).toHaveLength(0)
    expect(events).toEqual([['signedOut', { reason: 'signed_out' }]])
  })

  it('sign out every tab with session_expired when the server ends the session', async () => {
    const { a, b, clock } = await twoTabs()
    for (const grant of a.mock.grants.list()) a.mock.revokeGrant(grant.id)
    clock.now += 3_600_000
    await expect(a.auth.getAccessToken()).rejects.toMatchObject({ code: 'invalid_grant' })
    await expect.poll(() => b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
    expect(b.fetch).not.toHaveBeenCalled()
    await expect(b.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })

  it('sign in the other tabs when one signs in', async () => {
    const { a, b } = await twoTabs()
    await a.auth.signOut({ revoke: false })
    await expect.poll(() => b.auth.getState().status).toBe('signedOut')
    const events = recordEvents(b)
    await a.signIn()
    await expect.poll(() => b.auth.getState()).toEqual(a.auth.getState())
    expect(events).toEqual([['signedIn', {}]])
    expect(b.fetch).not.toHaveBeenCalled()
  })

  it('sign out a waiting tab whose session another tab ended while it waited for the lock', async () => {
    const { a, b, clock } = await twoTabs()
    // Tab A ends the session without telling B (as if the message were still on its way).
    await records(idbStorage()).del(sessionKey(a.clientId))
    clock.now += 3_600_000
    await expect(b.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
    expect(tokenRequests(a)).toHaveLength(0)
  })
})

describe('encryption at rest', () => {
  it('leaves no token readable in IndexedDB', async () => {
    const { a } = await twoTabs()
    const session = await records(idbStorage()).get<{ accessToken: string; refreshToken: string }>(sessionKey(a.clientId))
    expect(session?.refreshToken).toEqual(expect.any(String))
    const dump = JSON.stringify(await entries(createStore('pkce-auth', 'records')))
    expect(dump).toContain(sessionKey(a.clientId))
    expect(dump).not.toContain(session!.accessToken)
    expect(dump).not.toContain(session!.refreshToken)
  })

  it('encrypts records in a custom storage too', async () => {
    const test = createTestClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    const raw = await test.storage.get(sessionKey(test.clientId))
    expect(raw).toEqual({ v: 1, iv: expect.any(String), data: expect.any(String) })
    expect(JSON.stringify(raw)).not.toContain(token)
  })

  it('counts a record that fails to decrypt as no session', async () => {
    const test = createTestClient()
    await test.signIn()
    const raw = await test.storage.get<{ data: string }>(sessionKey(test.clientId))
    await test.storage.set(sessionKey(test.clientId), { ...raw, data: btoa('tampered') })
    const reloaded = createTestClient({ storage: test.storage, mock: test.mock, clientId: test.clientId })
    await expect(reloaded.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(reloaded.auth.getState()).toMatchObject({ status: 'signedOut', reason: undefined })
  })
})
