import { createStore, del, get, getMany, set } from 'idb-keyval'

/**
 * Where the client keeps its records (the session, sign-in transactions, cached server metadata):
 * idb-keyval's verbs. Values are structured-cloneable objects. A custom storage may throw or reject;
 * a record that cannot be read counts as absent.
 */
export interface AuthStorage {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
  del(key: string): Promise<void>
}

/** A storage that reads several records in one go (IndexedDB: one transaction). */
export interface Batch {
  getMany?(keys: string[]): Promise<unknown[]>
}

/**
 * Storage in IndexedDB, in the client's own database (`pkce-auth`, object store `records`), never
 * idb-keyval's shared default store. The database is opened on first use, so creating it in a
 * runtime without IndexedDB (SSR, tests) does not throw; its operations reject instead.
 */
export function idbStorage(): AuthStorage & Batch {
  let store: ReturnType<typeof createStore> | undefined
  const db = () => (store ??= createStore('pkce-auth', 'records'))
  return {
    get: async (key) => get(key, db()),
    getMany: async (keys) => getMany(keys, db()),
    set: async (key, value) => set(key, value, db()),
    del: async (key) => del(key, db()),
  }
}

/** Storage in a `Map`: the session lasts as long as the page. */
export function memoryStorage(): AuthStorage {
  const map = new Map<string, unknown>()
  return {
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => void map.set(key, value),
    del: async (key) => void map.delete(key),
  }
}
