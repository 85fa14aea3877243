import type { UseStore } from 'idb-keyval'
import { createStore, promisifyRequest } from 'idb-keyval'

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

/** The record at `key` when this version wrote it (`v: 1`) and `isValid` takes it; else undefined. A failing storage rejects. */
export const readRecord = async <T>(storage: AuthStorage, key: string, isValid: (record: T) => unknown = Boolean) => {
  const record = await storage.get<T & { v: unknown }>(key)
  return record?.v === 1 && isValid(record) ? record : undefined
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
  let store: UseStore | undefined
  // idb-keyval's custom-store way in: its `get(key, store)` and the like would also bring its default store.
  const run = <T>(mode: IDBTransactionMode, fn: (records: IDBObjectStore) => Promise<T>) =>
    (store ??= createStore('pkce-auth', 'records'))(mode, fn)
  return {
    get: async (key) => run('readonly', (records) => promisifyRequest(records.get(key))),
    getMany: async (keys) => run('readonly', (records) => Promise.all(keys.map((key) => promisifyRequest(records.get(key))))),
    set: async (key, value) => run('readwrite', (records) => (records.put(value, key), promisifyRequest(records.transaction))),
    del: async (key) => run('readwrite', (records) => (records.delete(key), promisifyRequest(records.transaction))),
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
