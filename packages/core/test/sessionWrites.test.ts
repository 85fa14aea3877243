import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuthClient, memoryStorage } from '@pkce-auth/core'
import type { AuthEvents, AuthStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { heldStorage } from '../../../test/helpers/heldStorage'

const cleanup: (() => void)[] = []
afterEach(() => {
  cleanup.splice(0).forEach((fn) => fn())
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms))
const isSessionKey = (key: string) => key.endsWith(':session')

/** A gate: `open` lets whoever awaits `wait` through. */
function gate() {
  let open!: () => void
  const wait = new Promise<void>((resolve) => (open = resolve))
  return { open, wait }
}

function recordEvents(test: ReturnType<typeof createTestClient>) {
  const events: [keyof AuthEvents, unknown][] = []
  for (const name of ['signedIn', 'tokenRefreshed', 'sessionExpired', 'signedOut'] as const) {
    cleanup.push(test.auth.on(name, (event) => void events.push([name, event])))
  }
  return events
}

describe('tab messages', () => {
  it('a message whose storage read outlasts this tab\'s own sign-out does not sign the tab back in', async () => {
    const shared = memoryStorage()
    const heldA = heldStorage(shared)
    const a = createTestClient({ storage: heldA.storage })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    cleanup.push(a.auth.subscribe(() => {}), b.auth.subscribe(() => {}), a.auth.dispose, b.auth.dispose)
    await b.auth.getAccessToken()
    // B refreshes; A's read of storage for B's message is slow (reads the new session, returns it late).
    const { release, reached } = heldA.hold('get')
    await b.auth.getAccessToken({ forceRefresh: true })
    await reached
    // Meanwhile the user signs out in A: done and told before that read returns.
    await a.auth.signOut({ revoke: false })
    release()
    await settle()
    expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    await expect(reloadTestClient(a, { storage: shared }).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })

  it('a sign-out by a tab whose storage fell back to memory reaches the other tabs', async () => {
    const shared = memoryStorage()
    let broken = false
    // Tab A loses IndexedDB (both tries fail): it goes on in memory.
    const storageA: AuthStorage = {
      get: async (key) => (broken ? Promise.reject(new DOMException('lost', 'UnknownError')) : shared.get(key)),
      set: async (key, value) => (broken ? Promise.reject(new DOMException('lost', 'UnknownError')) : shared.set(key, value)),
      del: async (key) => (broken ? Promise.reject(new DOMException('lost', 'UnknownError')) : shared.del(key)),
    }
    const a = createTestClient({ storage: storageA })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    cleanup.push(a.auth.subscribe(() => {}), b.auth.subscribe(() => {}), a.auth.dispose, b.auth.dispose)
    await b.auth.getAccessToken()
    broken = true
    await a.auth.signOut({ revoke: false })
    expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    await settle()
    expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
  })

  it('a sign-out reaches the other tabs when the app disposes the client as soon as it shows signed out', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    cleanup.push(b.auth.subscribe(() => {}), b.auth.dispose)
    await b.auth.getAccessToken()
    // An app that unmounts its signed-in area (and the AuthProvider with it) once the state says signed out.
    a.auth.subscribe(() => {
      if (a.auth.getState().status === 'signedOut') a.auth.dispose()
    })
    await a.auth.signOut({ revoke: false })
    await settle()
    await expect(reloadTestClient(a).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
  })
})


describe('writes outside the lock', () => {
  it('a page loading over an expired session does not delete the sign-in another tab just stored', async () => {
    const clock = { now: Date.now() }
    const clientId = 'review2-no-refresh-app'
    const shared = memoryStorage()
    const a = createTestClient({
      clientId,
      storage: shared,
      now: () => clock.now,
      server: { clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI], allowedGrantTypes: ['authorization_code'] }] },
    })
    await a.signIn()
    clock.now += 2 * 3_600_000
    // Tab C loads; its first read of the (expired) session is slow.
    const heldC = heldStorage(shared)
    const c = createTestClient({ clientId, storage: heldC.storage, mock: a.mock, now: () => clock.now })
    const { release, reached } = heldC.hold('get')
    c.auth.getState()
    await reached
    // Meanwhile the user signs in again in tab A.
    await a.signIn()
    const token = await a.auth.getAccessToken()
    release()
    await settle()
    expect(await reloadTestClient(a, { storage: shared, now: () => clock.now }).auth.getAccessToken()).toBe(token)
  })
})


describe('transient storage failures', () => {
  it('two failed writes in a row in one tab do not end the session in every tab', async () => {
    const clock = { now: Date.now() }
    const shared = memoryStorage()
    let failures = 0
    const storageA: AuthStorage = {
      get: (key) => shared.get(key),
      del: (key) => shared.del(key),
      set: async (key, value) => {
        if (failures > 0 && isSessionKey(key)) {
          failures--
          throw new DOMException('Connection to Indexed Database server lost', 'UnknownError')
        }
        return shared.set(key, value)
      },
    }
    const a = createTestClient({ storage: storageA, now: () => clock.now })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId, now: () => clock.now })
    cleanup.push(a.auth.subscribe(() => {}), b.auth.subscribe(() => {}), a.auth.dispose, b.auth.dispose)
    await b.auth.getAccessToken()
    // The connection is lost for a moment: the write and its immediate retry both fail.
    failures = 2
    clock.now += 3_600_000
    await a.auth.getAccessToken()
    clock.now += 3_600_000
    await b.auth.getAccessToken().catch(() => {})
    await settle()
    expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(b.auth.getState()).toMatchObject({ status: 'signedIn' })
  })
})

describe('events', () => {
  it('a new sign-in found in storage by a refresh is a signedIn, not a tokenRefreshed', async () => {
    // No BroadcastChannel (or a message not yet delivered): the tab learns from storage under the lock.
    vi.stubGlobal('BroadcastChannel', undefined)
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    await b.auth.getAccessToken()
    const events = recordEvents(b)
    await a.signIn({ prompt: 'login' })
    await b.auth.getAccessToken({ forceRefresh: true })
    expect(events.map(([name]) => name)).toEqual(['signedIn'])
  })
})


/**
 * A storage over `shared` that orders a session read after a session write asked for before it, as
 * IndexedDB does (a read-only transaction waits for an earlier read-write one on the same store);
 * its next session write can be held back.
 */
function orderedStorage(shared: AuthStorage) {
  let pending: Promise<void> = Promise.resolve()
  let hold: Promise<void> | undefined
  let arrived!: () => void
  const storage: AuthStorage = {
    get: async (key) => {
      if (isSessionKey(key)) await pending
      return shared.get(key)
    },
    set: async (key, value) => {
      if (!isSessionKey(key)) return shared.set(key, value)
      const gate = hold
      hold = undefined
      const write = (async () => {
        if (gate) {
          arrived()
          await gate
        }
        await shared.set(key, value)
      })()
      pending = write.catch(() => {})
      return write
    },
    del: (key) => shared.del(key),
  }
  const holdNext = () => {
    const g = gate()
    hold = g.wait
    const reached = new Promise<void>((resolve) => (arrived = resolve))
    return { release: g.open, reached }
  }
  return { storage, holdNext }
}

describe('the lock-timeout fallback, sign-out', () => {
  it('a sign-out done without the lock is not undone by the refresh that held it', async () => {
    const shared = memoryStorage()
    const orderedB = orderedStorage(shared)
    const a = createTestClient({ storage: shared, retry: { attempts: 1, timeoutMs: 300 } })
    await a.signIn()
    const b = createTestClient({ storage: orderedB.storage, mock: a.mock, clientId: a.clientId })
    cleanup.push(a.auth.subscribe(() => {}), b.auth.subscribe(() => {}), a.auth.dispose, b.auth.dispose)
    await b.auth.getAccessToken()
    // B's refresh holds the lock, its write of the new session slow; A's sign-out stops waiting for it.
    const { release, reached } = orderedB.holdNext()
    const refreshed = b.auth.getAccessToken({ forceRefresh: true }).catch(() => {})
    await reached
    await a.auth.signOut({ revoke: false })
    // A's message reaches B, whose read of storage comes after its own write (IndexedDB's order).
    await settle()
    release()
    await refreshed
    await settle()
    expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    await expect(reloadTestClient(a).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })
})


describe('memory storage', () => {
  /** A tab whose client keeps its records in memory (`storage: 'memory'`), on `mock`. */
  function memoryTab(mock: ReturnType<typeof createTestClient>['mock'], clientId: string) {
    const navigate = vi.fn<(url: string) => void>()
    const auth = createAuthClient({
      issuer: TEST_ISSUER,
      clientId,
      redirectUri: TEST_REDIRECT_URI,
      scope: 'admin',
      storage: 'memory',
      retry: { attempts: 1 },
      navigate,
      fetch: (input, init) => mock.fetch(new Request(input, init)),
    })
    const signIn = async () => {
      await auth.signIn()
      const response = await mock.fetch(navigate.mock.lastCall![0])
      await auth.handleRedirect(new URL(response.headers.get('location')!, navigate.mock.lastCall![0]).href)
    }
    return { auth, signIn }
  }

  it('a tab that followed another tab\'s sign-out does not bring its own old session back on the next sign-in', async () => {
    const { mock, clientId } = createTestClient()
    const a = memoryTab(mock, clientId)
    const b = memoryTab(mock, clientId)
    await a.signIn()
    await b.signIn()
    cleanup.push(a.auth.subscribe(() => {}), b.auth.subscribe(() => {}), a.auth.dispose, b.auth.dispose)
    await a.auth.signOut({ revoke: false })
    await expect.poll(() => b.auth.getState().status).toBe('signedOut')
    const events: string[] = []
    cleanup.push(b.auth.on('signedIn', () => void events.push('signedIn')))
    await a.signIn()
    await settle()
    expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    expect(events).toEqual([])
  })
})
