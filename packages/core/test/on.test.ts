import { afterEach, describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '@pkce-auth/core'
import type { AuthEvents, AuthStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient } from '../../../test/helpers/createTestClient'

type Test = ReturnType<typeof createTestClient>

const cleanup: (() => void)[] = []
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
  cleanup.splice(0).forEach((dispose) => dispose())
})

/** Records every event of a client, in order, as `[name, event]`. */
function recordEvents({ auth }: Test) {
  const events: [keyof AuthEvents, unknown][] = []
  const names = ['signedIn', 'tokenRefreshed', 'sessionExpired', 'signedOut', 'storageFallback', 'error'] as const
  for (const name of names) cleanup.push(auth.on(name, (event) => void events.push([name, event])))
  cleanup.push(auth.dispose)
  return events
}

describe('on', () => {
  it('emits signedIn, tokenRefreshed and signedOut once each over a session', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    const events = recordEvents(test)
    await test.signIn()
    clock.now += 3_600_000
    await test.auth.getAccessToken()
    await test.auth.getAccessToken()
    await test.auth.signOut()
    await test.auth.signOut()
    expect(events).toEqual([
      ['signedIn', {}],
      ['tokenRefreshed', { expiresAt: clock.now + 3_600_000, source: 'demand' }],
      ['signedOut', { reason: 'signed_out' }],
    ])
  })

  it('emits signedIn when a stored session is restored', async () => {
    const first = createTestClient()
    await first.signIn()
    const reloaded = reloadTestClient(first)
    const events = recordEvents(reloaded)
    await expect.poll(() => reloaded.auth.getState().status).toBe('signedIn')
    expect(events).toEqual([['signedIn', {}]])
  })

  it('emits sessionExpired, signedOut and error when the server ends the session', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    const events = recordEvents(test)
    for (const grant of test.mock.grants.list()) test.mock.revokeGrant(grant.id)
    clock.now += 3_600_000
    const error = await test.auth.getAccessToken().catch((e: unknown) => e)
    expect(events).toEqual([
      ['sessionExpired', { error }],
      ['signedOut', { reason: 'session_expired' }],
      ['error', { error, willRetry: false }],
    ])
  })

  it('emits one signedOut when a sessionExpired listener calls signOut', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now })
    await test.signIn()
    const events = recordEvents(test)
    let signingOut: Promise<void> | undefined
    cleanup.push(test.auth.on('sessionExpired', () => void (signingOut = test.auth.signOut())))
    for (const grant of test.mock.grants.list()) test.mock.revokeGrant(grant.id)
    clock.now += 3_600_000
    await test.auth.getAccessToken().catch(() => {})
    await signingOut
    expect(events.filter(([name]) => name === 'signedOut')).toEqual([['signedOut', { reason: 'session_expired' }]])
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
  })

  it('emits tokenRefreshed from the refresh timer as scheduled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const test = createTestClient({ refreshLeewaySeconds: 30 })
    await test.signIn()
    const tokenRefreshed = vi.fn()
    cleanup.push(test.auth.on('tokenRefreshed', tokenRefreshed), test.auth.dispose)
    await vi.advanceTimersByTimeAsync(3_600_000 - 30_000 + 3_000)
    await vi.waitFor(() => expect(tokenRefreshed).toHaveBeenCalledWith(expect.objectContaining({ source: 'scheduled' })))
  })

  it('emits no error for a call that finds nobody signed in', async () => {
    const test = createTestClient()
    const events = recordEvents(test)
    await expect(test.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(events).toEqual([])
  })

  it('stops calling a listener after unsubscribe', async () => {
    const test = createTestClient()
    const listener = vi.fn()
    test.auth.on('signedIn', listener)()
    await test.signIn()
    expect(listener).not.toHaveBeenCalled()
  })

  it('keeps working, and calls the other listeners, when a listener throws', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    const test = createTestClient()
    const after = vi.fn()
    cleanup.push(
      test.auth.on('signedIn', () => {
        throw new Error('listener bug')
      }),
      test.auth.subscribe(() => {
        throw new Error('subscriber bug')
      }),
      test.auth.on('signedIn', after),
      test.auth.dispose,
    )
    await test.signIn()
    expect(after).toHaveBeenCalledTimes(1)
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }))
    await expect(test.auth.getAccessToken()).resolves.toEqual(expect.any(String))
  })
})

describe('storage fallback', () => {
  /** A storage that works until `broken` is set, then rejects like IndexedDB over quota. */
  function breakableStorage() {
    const inner = memoryStorage()
    const control = { broken: false }
    const fail = () => Promise.reject(new DOMException('Quota exceeded', 'QuotaExceededError'))
    const storage: AuthStorage = {
      get: (key) => (control.broken ? fail() : inner.get(key)),
      set: (key, value) => (control.broken ? fail() : inner.set(key, value)),
      del: (key) => (control.broken ? fail() : inner.del(key)),
    }
    return { storage, control }
  }

  it('keeps the session in memory and emits storageFallback once when the storage starts failing', async () => {
    const clock = { now: Date.now() }
    const { storage, control } = breakableStorage()
    const test = createTestClient({ storage, now: () => clock.now })
    await test.signIn()
    const events = recordEvents(test)
    control.broken = true
    clock.now += 3_600_000
    const token = await test.auth.getAccessToken()
    clock.now += 3_600_000
    expect(await test.auth.getAccessToken()).not.toBe(token)
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(events.filter(([name]) => name === 'storageFallback')).toEqual([
      ['storageFallback', { error: expect.objectContaining({ name: 'QuotaExceededError' }) }],
    ])
  })

  it('falls back to memory when IndexedDB cannot be opened, without an unhandled rejection', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')
    })
    const test = createTestClient({ storage: 'indexeddb' })
    const events = recordEvents(test)
    await expect.poll(() => test.auth.getState().status).toBe('signedOut')
    expect(events).toEqual([['storageFallback', { error: expect.objectContaining({ name: 'InvalidStateError' }) }]])
    // A sign-in needs a transaction that survives the redirect: memory would not.
    await expect(test.auth.signIn()).rejects.toMatchObject({ code: 'storage_unavailable' })
    expect(test.navigate).not.toHaveBeenCalled()
  })
})

describe('dispose', () => {
  it('leaves no timer, listener or channel behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
    const channels: BroadcastChannel[] = []
    vi.stubGlobal('BroadcastChannel', class extends BroadcastChannel {
      constructor(name: string) {
        super(name)
        channels.push(this)
      }
    })
    const added = new Map<string, number>()
    const count = (delta: number) => (type: string) => void added.set(type, (added.get(type) ?? 0) + delta)
    for (const target of [window, document]) {
      vi.spyOn(target, 'addEventListener').mockImplementation(count(1))
      vi.spyOn(target, 'removeEventListener').mockImplementation(count(-1))
    }
    const test = createTestClient()
    await test.signIn()
    test.auth.subscribe(() => {})
    test.auth.on('error', () => {})
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    expect([...added.keys()].sort()).toEqual(['focus', 'online', 'visibilitychange'])
    expect(channels).toHaveLength(1)
    const close = vi.spyOn(channels[0]!, 'close')

    test.auth.dispose()

    expect(vi.getTimerCount()).toBe(0)
    expect([...added.values()]).toEqual([0, 0, 0])
    expect(close).toHaveBeenCalled()
    // A later change is still told to the other tabs, on a channel closed at once: none is left open.
    const closes = vi.spyOn(BroadcastChannel.prototype, 'close')
    await test.auth.signOut({ revoke: false })
    // (Told twice, as ever: at once, then once storage is cleared.)
    expect(channels).toHaveLength(3)
    expect(closes.mock.contexts).toEqual(channels.slice(1))
    expect(vi.getTimerCount()).toBe(0)
  })
})
