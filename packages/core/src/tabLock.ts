import type { AuthStorage } from './storage'

/** Options of {@link withTabLock}. */
export interface TabLockOptions {
  /** Longest wait for the lock, in ms; then the call rejects with a `TimeoutError`. Default 10,000. */
  timeoutMs?: number
  /**
   * Where the lease record lives when Web Locks are missing: a storage every tab of the origin shares
   * (IndexedDB). Without one, `fn` runs at once: the client already shares one refresh per tab.
   */
  storage?: AuthStorage
  /** How long a lease lasts unless renewed, in ms: the longest a tab that died holding it blocks the others. Default 5,000. */
  leaseMs?: number
  /** The Web Locks API; `navigator.locks` by default, `null` to use the lease. */
  locks?: LockManager | null
}

interface Lease {
  owner: number
  expiresAt: number
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs `fn` while holding the exclusive lock `name`, shared by every tab of the origin: a Web Lock
 * where the browser has them, else a lease record in `storage` that the holder renews while `fn` runs
 * and that others take over once it expires (so a tab closed mid-refresh blocks the others for at
 * most `leaseMs`).
 *
 * Resolves to what `fn` resolves to; rejects with `fn`'s error, or with a `TimeoutError` `DOMException`
 * when the lock is not granted within `timeoutMs`. It never runs `fn` without the lock: with rotating
 * refresh tokens two tabs refreshing at once present the same token, and the server's reuse detection
 * then ends the session. A timeout is transient; by then the holder has usually stored a fresh token.
 *
 * @example
 * const tokens = await withTabLock(`pkce-auth:${issuer}:${clientId}`, () => refreshUnlessFresh())
 */
export async function withTabLock<T>(
  name: string,
  fn: () => T | Promise<T>,
  { timeoutMs = 10_000, storage, leaseMs = 5_000, locks = globalThis.navigator?.locks }: TabLockOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  const timedOut = new DOMException('Lock wait timed out', 'TimeoutError')

  if (locks) {
    let granted = false
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), timeoutMs)
    try {
      return await locks.request(name, { signal: controller.signal }, () => {
        granted = true
        clearTimeout(timer)
        return fn()
      })
    } catch (error) {
      throw granted ? error : timedOut
    }
  }
  if (!storage) return fn()

  const key = 'lock:' + name
  const owner = Math.random()
  const lease = () => storage.set(key, { owner, expiresAt: Date.now() + leaseMs })
  const mine = async () => (await storage.get<Lease>(key))?.owner === owner
  for (;;) {
    if (!((await storage.get<Lease>(key))?.expiresAt! > Date.now())) {
      await lease()
      // A tab that read the free lease just before we wrote may write too: give its write time to
      // land, and keep the lease only if ours is the one that stayed.
      await wait(30)
      if (await mine()) break
    }
    if (Date.now() > deadline) throw timedOut
    await wait(50 + Math.random() * 50)
  }
  // A failing storage must neither surface as an unhandled rejection nor replace fn's outcome.
  const renew = setInterval(() => mine().then((ok) => (ok ? lease() : undefined)).catch(() => {}), leaseMs / 3)
  try {
    return await fn()
  } finally {
    clearInterval(renew)
    await mine().then((ok) => (ok ? storage.del(key) : undefined)).catch(() => {})
  }
}
