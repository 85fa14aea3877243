import type { AuthStorage } from '@pkce-auth/core'

/**
 * A storage over `shared` (another tab's view of one IndexedDB) whose next read or write of the
 * session record can be held back, as a slow or retried IndexedDB operation would be:
 * - `hold('set')`: the write lands when released;
 * - `hold('get')`: the read returns, when released, what storage held when it was called;
 * - `hold('get', 'late')`: the read returns what storage holds when released.
 * `reached` resolves once the held operation has been called.
 */
export function heldStorage(shared: AuthStorage) {
  type Held = { op: 'get' | 'set'; late: boolean; arrived: () => void; wait: Promise<void> }
  let held: Held | undefined
  const take = (op: Held['op'], key: string) => {
    if (held?.op !== op || !key.endsWith(':session')) return
    const taken = held
    held = undefined
    taken.arrived()
    return taken
  }
  const storage: AuthStorage = {
    get: async <T>(key: string) => {
      const taken = take('get', key)
      if (!taken) return shared.get<T>(key)
      const early = taken.late ? undefined : await shared.get<T>(key)
      await taken.wait
      return taken.late ? shared.get<T>(key) : early
    },
    set: async (key, value) => {
      const taken = take('set', key)
      if (taken) await taken.wait
      return shared.set(key, value)
    },
    del: (key) => shared.del(key),
  }
  const hold = (op: Held['op'], when: 'call' | 'late' = 'call') => {
    let release!: () => void
    let arrived!: () => void
    const wait = new Promise<void>((resolve) => (release = resolve))
    const reached = new Promise<void>((resolve) => (arrived = resolve))
    held = { op, late: when === 'late', arrived, wait }
    return { release, reached }
  }
  return { storage, hold }
}
