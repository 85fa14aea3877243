import { encryptedStorage } from './encryptedStorage'
import type { AuthClientOptions } from './options'
import { sleep } from './retryFetch'
import type { AuthStorage } from './storage'
import { idbStorage, memoryStorage } from './storage'

/** The storage a client works with; see {@link createClientStorage}. */
export interface ClientStorage extends AuthStorage {
  /** Where the refresh lock keeps its lease when Web Locks are missing: the raw persistent storage (a lease holds no secret). */
  lease?: AuthStorage
  /** Set once the configured storage failed: from then on this page keeps its records in memory. */
  failure?: { error: unknown }
}

/**
 * The client's storage for its `storage` option: IndexedDB, encrypted (the default); a custom
 * storage, encrypted with the key kept in IndexedDB when the browser has it (a `CryptoKey` cannot
 * be serialised); or plain memory. When an operation fails (IndexedDB blocked, over quota, private
 * mode), it and every later one run on memory instead, after `onFallback` (called once, e.g. to
 * carry the session in hand over); an operation is tried three times before that. Nothing is opened before
 * the first operation.
 */
export function createClientStorage(
  option: AuthClientOptions['storage'] = 'indexeddb',
  onFallback?: (memory: AuthStorage, error: unknown) => Promise<void>,
): ClientStorage {
  const raw = option === 'memory' ? undefined : option === 'indexeddb' ? idbStorage() : option
  const primary = !raw ? memoryStorage()
    : option === 'indexeddb' ? encryptedStorage(raw)
    : typeof indexedDB === 'undefined' ? raw
    : encryptedStorage(raw, idbStorage())
  let fallback: AuthStorage | undefined

  const using = async <T>(operation: (storage: AuthStorage) => Promise<T>, preferred: AuthStorage): Promise<T> => {
    if (fallback) return operation(fallback)
    try {
      // Two more tries, a moment apart, for a failure that passes: Safari drops IndexedDB connections
      // (idb-keyval then reopens), and a session write lost here would leave the other tabs a spent
      // refresh token.
      const attempt = (tries: number): Promise<T> =>
        operation(preferred).catch(async (error) => {
          if (!tries) throw error
          await sleep(100)
          return attempt(tries - 1)
        })
      return await attempt(2)
    } catch (error) {
      // Another operation may have fallen back meanwhile: then its memory is the one.
      if (!fallback) {
        fallback = memoryStorage()
        storage.failure = { error }
        await onFallback?.(fallback, error)
      }
      return operation(fallback)
    }
  }
  const wrap = (preferred: AuthStorage): AuthStorage => ({
    get: (key) => using((s) => s.get(key), preferred),
    set: (key, value) => using((s) => s.set(key, value), preferred),
    del: (key) => using((s) => s.del(key), preferred),
  })
  const storage: ClientStorage = { ...wrap(primary), lease: raw && wrap(raw) }
  return storage
}
