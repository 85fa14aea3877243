/**
 * An in-process Web Locks `LockManager` (exclusive mode, `signal`), shared by every client of a test
 * file as the browser's is shared by its tabs. happy-dom has none (`navigator.locks` is null), so
 * without it the unit tests would only ever run the IndexedDB-lease fallback; tabLock.test.ts tests
 * that fallback on its own (`locks: null`).
 */
export function createLockManager(): LockManager {
  const tails = new Map<string, Promise<unknown>>()
  const request = async (name: string, ...args: [LockGrantedCallback<unknown>] | [LockOptions, LockGrantedCallback<unknown>]) => {
    const [options, callback] = args.length === 1 ? [{} as LockOptions, args[0]] : args
    const previous = tails.get(name) ?? Promise.resolve()
    let release!: () => void
    const held = previous.then(() => new Promise<void>((resolve) => (release = resolve)))
    tails.set(name, held)
    const { signal } = options
    try {
      await new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
        void previous.then(() => resolve())
      })
    } catch (error) {
      // Never granted: the queue moves on past this request once its turn comes.
      void previous.then(() => release())
      throw error
    }
    try {
      return await callback({ name, mode: 'exclusive' } as Lock)
    } finally {
      release()
      if (tails.get(name) === held) tails.delete(name)
    }
  }
  return { request, query: async () => ({ held: [], pending: [] }) } as unknown as LockManager
}
