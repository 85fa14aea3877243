import type { LockFallback } from './plugins'
import type { AuthStorage } from './storage'

/** Options of {@link withTabLock}. */
export interface TabLockOptions {
  /** Longest wait for the lock, in ms; then the call rejects with a `TimeoutError`. Default 10,000. */
  timeoutMs?: number
  /**
   * The lock where Web Locks are missing (the `leaseLock` add-on). Without one, `fn` runs at once:
   * the client still shares one refresh per tab.
   */
  fallback?: LockFallback
  /** Passed on to `fallback`: a storage every tab of the origin shares (IndexedDB). */
  storage?: AuthStorage
  /** The Web Locks API; `navigator.locks` by default, `null` to use `fallback`. */
  locks?: LockManager | null
}

/**
 * Runs `fn` while holding the exclusive lock `name`, shared by every tab of the origin: a Web Lock
 * where the browser has them, else the `fallback` lock, else none.
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
  { timeoutMs = 10_000, fallback, storage, locks = globalThis.navigator?.locks }: TabLockOptions = {},
): Promise<T> {
  if (!locks) return fallback ? fallback(name, async () => fn(), { timeoutMs, storage }) : fn()
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
    throw granted ? error : new DOMException('Lock wait timed out', 'TimeoutError')
  }
}
