import { createStore, del, get, set } from 'idb-keyval'
import { describe, expect, it, vi } from 'vitest'
import { leaseLock } from '../src/leaseLock'
import { withTabLock } from '../src/tabLock'
import { createLockManager } from '../../../test/helpers/webLocks'

let dbCount = 0

// One IndexedDB (fake-indexeddb) that several "tabs" share.
function sharedIdb() {
  const store = createStore(`tab-lock-test-${++dbCount}`, 'kv')
  return {
    get: <T>(key: string) => get<T>(key, store),
    set: (key: string, value: unknown) => set(key, value, store),
    del: (key: string) => del(key, store),
  }
}

// Another tab: a fresh copy of the module.
async function otherTab() {
  vi.resetModules()
  return (await import('../src/tabLock')).withTabLock
}

// The lease of the `leaseLock` add-on, the lock where Web Locks are missing.
const lease = leaseLock().lock

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Records how many holders are inside the critical section at once.
function criticalSection() {
  let inside = 0
  let most = 0
  const order: string[] = []
  return {
    order,
    get most() {
      return most
    },
    enter: (label: string, ms = 20) => async () => {
      inside++
      most = Math.max(most, inside)
      order.push(label)
      await delay(ms)
      inside--
      return label
    },
  }
}

// A minimal exclusive LockManager: what the Web Locks path relies on (grant in order, abort while waiting).
describe('withTabLock', () => {
  it('resolves to what fn resolves to', async () => {
    expect(await withTabLock('value', () => 42, { locks: null })).toBe(42)
  })

  it('rejects with fn\'s error and frees the lock', async () => {
    const storage = sharedIdb()
    const failure = new Error('refresh failed')
    await expect(withTabLock('fails', () => Promise.reject(failure), { locks: null, fallback: lease, storage })).rejects.toBe(failure)
    expect(await storage.get('lock:fails')).toBeUndefined()
    expect(await withTabLock('fails', () => 'next', { locks: null, fallback: lease, storage })).toBe('next')
  })

  it('serialises the calls of one tab through the lease record', async () => {
    const storage = sharedIdb()
    const section = criticalSection()
    const results = await Promise.all(['a', 'b', 'c'].map((label) => withTabLock('tab', section.enter(label), { locks: null, fallback: lease, storage })))
    expect(results).toEqual(['a', 'b', 'c'])
    expect([...section.order].sort()).toEqual(['a', 'b', 'c'])
    expect(section.most).toBe(1)
  })

  it('keeps other lock names independent', async () => {
    const storage = sharedIdb()
    const section = criticalSection()
    await Promise.all([withTabLock('x', section.enter('x'), { locks: null, fallback: lease, storage }), withTabLock('y', section.enter('y'), { locks: null, fallback: lease, storage })])
    expect(section.most).toBe(2)
  })

  it('serialises tabs through the lease record when Web Locks are missing', async () => {
    const storage = sharedIdb()
    const section = criticalSection()
    const tabs = [withTabLock, await otherTab(), await otherTab()]
    await Promise.all(tabs.map((lock, i) => lock('refresh', section.enter(`tab${i}`, 30), { locks: null, fallback: lease, storage })))
    expect(section.order).toHaveLength(3)
    expect(section.most).toBe(1)
  })

  it('rejects with a TimeoutError while another tab holds the lease', async () => {
    const storage = sharedIdb()
    await storage.set('lock:held', { owner: 'other-tab', expiresAt: Date.now() + 60_000 })
    const fn = vi.fn()
    await expect(withTabLock('held', fn, { locks: null, fallback: lease, storage, timeoutMs: 200 })).rejects.toMatchObject({ name: 'TimeoutError' })
    expect(fn).not.toHaveBeenCalled()
  })

  it('takes over an expired lease at once', async () => {
    const storage = sharedIdb()
    await storage.set('lock:stale', { owner: 'dead-tab', expiresAt: Date.now() - 1 })
    expect(await withTabLock('stale', () => 'ran', { locks: null, fallback: lease, storage, timeoutMs: 200 })).toBe('ran')
  })

  it('takes over a lease left by a tab that died, once it runs out', async () => {
    const storage = sharedIdb()
    // What a tab closed mid-refresh leaves behind: a lease nobody renews any more.
    await storage.set('lock:crash', { owner: 'closed-tab', expiresAt: Date.now() + 300 })
    const waitedFrom = Date.now()
    expect(await withTabLock('crash', () => 'recovered', { locks: null, fallback: lease, storage, timeoutMs: 5_000 })).toBe('recovered')
    expect(Date.now() - waitedFrom).toBeGreaterThanOrEqual(300)
  })

  it('renews its lease while fn runs longer than the lease', async () => {
    const storage = sharedIdb()
    const other = await otherTab()
    const section = criticalSection()
    const long = withTabLock('renew', section.enter('long', 700), { locks: null, storage, fallback: leaseLock({ leaseMs: 200 }).lock })
    await delay(100)
    const second = other('renew', section.enter('second'), { locks: null, storage, fallback: leaseLock({ leaseMs: 200 }).lock, timeoutMs: 5_000 })
    await Promise.all([long, second])
    expect(section.order).toEqual(['long', 'second'])
    expect(section.most).toBe(1)
  })

  it('deletes its lease record when done', async () => {
    const storage = sharedIdb()
    await withTabLock('cleanup', () => storage.get('lock:cleanup').then((lease) => expect(lease).toBeDefined()), { locks: null, fallback: lease, storage })
    expect(await storage.get('lock:cleanup')).toBeUndefined()
  })

  it('bounds the wait behind a lease this tab holds too', async () => {
    const storage = sharedIdb()
    const first = withTabLock('queue', () => delay(300), { locks: null, fallback: lease, storage })
    await delay(50)
    await expect(withTabLock('queue', () => 'late', { locks: null, fallback: lease, storage, timeoutMs: 50 })).rejects.toMatchObject({ name: 'TimeoutError' })
    await first
    expect(await withTabLock('queue', () => 'after', { locks: null, fallback: lease, storage })).toBe('after')
  })

  it('runs fn at once without Web Locks or a shared storage', async () => {
    expect(await withTabLock('alone', () => 'ran', { locks: null, timeoutMs: 0 })).toBe('ran')
  })

  it('uses Web Locks when present, serialising callers', async () => {
    const locks = createLockManager()
    const request = vi.spyOn(locks, 'request')
    const section = criticalSection()
    await Promise.all(['a', 'b'].map((label) => withTabLock('web', section.enter(label), { locks })))
    expect(section.most).toBe(1)
    expect(request).toHaveBeenCalledWith('web', expect.objectContaining({ signal: expect.any(AbortSignal) }), expect.any(Function))
  })

  it('rejects with a TimeoutError when the Web Lock is not granted in time', async () => {
    const locks = createLockManager()
    const holder = withTabLock('busy', () => delay(300), { locks })
    const fn = vi.fn()
    await expect(withTabLock('busy', fn, { locks, timeoutMs: 50 })).rejects.toMatchObject({ name: 'TimeoutError' })
    await holder
    expect(fn).not.toHaveBeenCalled()
  })

  it('passes fn\'s own error through a Web Lock', async () => {
    const failure = new Error('boom')
    await expect(withTabLock('web-error', () => Promise.reject(failure), { locks: createLockManager() })).rejects.toBe(failure)
  })
})
