import { createStore, del, entries, get, getMany, set } from 'idb-keyval'
import { describe, expect, it, vi } from 'vitest'
import { ENCRYPTION_KEY_RECORD, encryptedStorage } from '../src/encryptedStorage'

let dbCount = 0

// A real IndexedDB store (fake-indexeddb) per test, behind the storage interface.
function idb() {
  const store = createStore(`encrypted-storage-test-${++dbCount}`, 'kv')
  return {
    store,
    get: <T>(key: string) => get<T>(key, store),
    set: (key: string, value: unknown) => set(key, value, store),
    del: (key: string) => del(key, store),
  }
}

function memory() {
  const map = new Map<string, unknown>()
  return {
    map,
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key: string, value: unknown) => void map.set(key, value),
    del: async (key: string) => void map.delete(key),
  }
}

const tokens = { accessToken: 'at-secret-123', refreshToken: 'rt-secret-456', expiresAt: 1_700_000_000_000 }

describe('encryptedStorage', () => {
  it('reads back what it wrote', async () => {
    const storage = encryptedStorage(idb())
    await storage.set('session', tokens)
    expect(await storage.get('session')).toEqual(tokens)
  })

  it('reads back a record of megabytes (a large appState)', async () => {
    const storage = encryptedStorage(memory())
    const large = { draft: 'x'.repeat(2_000_000) }
    await storage.set('transaction', large)
    expect(await storage.get('transaction')).toEqual(large)
  })

  it('stores only a versioned ciphertext record, with no readable token', async () => {
    const inner = idb()
    await encryptedStorage(inner).set('session', tokens)
    const record = await inner.get<{ v: number; iv: string; data: string }>('session')
    expect(record).toEqual({ v: 1, iv: expect.any(String), data: expect.any(String) })
    expect(atob(record!.data)).not.toContain('secret')
    const dump = JSON.stringify(await entries(inner.store), (_, value) =>
      value instanceof ArrayBuffer || ArrayBuffer.isView(value)
        ? Buffer.from(value instanceof ArrayBuffer ? value : value.buffer).toString('latin1')
        : value,
    )
    expect(dump).not.toContain('secret')
  })

  it('keeps a non-extractable AES-GCM key in the key storage', async () => {
    const inner = idb()
    await encryptedStorage(inner).set('session', tokens)
    const key = await inner.get<CryptoKey>(ENCRYPTION_KEY_RECORD)
    expect(key).toMatchObject({ extractable: false, algorithm: { name: 'AES-GCM' } })
    await expect(crypto.subtle.exportKey('raw', key!)).rejects.toThrow()
  })

  it('uses a fresh IV for every write', async () => {
    const inner = memory()
    const storage = encryptedStorage(inner)
    await storage.set('a', tokens)
    const first = inner.map.get('a') as { iv: string }
    await storage.set('a', tokens)
    const second = inner.map.get('a') as { iv: string }
    expect(first.iv).not.toBe(second.iv)
  })

  it('shares the key with another instance over the same storage, as another tab would', async () => {
    const inner = idb()
    await encryptedStorage(inner).set('session', tokens)
    expect(await encryptedStorage(inner).get('session')).toEqual(tokens)
  })

  it('keeps the key in a separate storage when given one', async () => {
    const inner = memory()
    const keys = memory()
    await encryptedStorage(inner, keys).set('session', tokens)
    expect(inner.map.has(ENCRYPTION_KEY_RECORD)).toBe(false)
    expect(keys.map.get(ENCRYPTION_KEY_RECORD)).toBeDefined()
  })

  it('reads a missing record as undefined', async () => {
    expect(await encryptedStorage(idb()).get('nothing')).toBeUndefined()
  })

  it('reads a record moved under another key as undefined', async () => {
    const inner = memory()
    const storage = encryptedStorage(inner)
    await storage.set('transaction:a', { codeVerifier: 'x' })
    inner.map.set('transaction:b', inner.map.get('transaction:a'))
    expect(await storage.get('transaction:b')).toBeUndefined()
  })

  it('reads a tampered ciphertext as undefined', async () => {
    const inner = memory()
    const storage = encryptedStorage(inner)
    await storage.set('session', tokens)
    const record = inner.map.get('session') as { data: string }
    const bytes = Uint8Array.from(atob(record.data), (c) => c.charCodeAt(0))
    bytes[0]! ^= 1
    inner.map.set('session', { ...record, data: btoa(String.fromCharCode(...bytes)) })
    expect(await storage.get('session')).toBeUndefined()
  })

  it.each([
    ['a plain value', tokens],
    ['another version', { v: 2, iv: btoa('x'.repeat(12)), data: btoa('x'.repeat(32)) }],
    ['binary fields', { v: 1, iv: new Uint8Array(12), data: new ArrayBuffer(32) }],
    ['a record of the wrong shape', { v: 1, iv: 'nope', data: 42 }],
    ['null', null],
  ])('reads %s as undefined', async (_, value) => {
    const inner = memory()
    const storage = encryptedStorage(inner)
    await storage.set('other', 1)
    inner.map.set('session', value)
    expect(await storage.get('session')).toBeUndefined()
  })

  it('reads records written under a lost key as undefined', async () => {
    const inner = memory()
    const storage = encryptedStorage(inner)
    await storage.set('session', tokens)
    inner.map.delete(ENCRYPTION_KEY_RECORD)
    expect(await storage.get('session')).toBeUndefined()
  })

  it('survives a storage that keeps JSON, as localStorage would', async () => {
    const inner = memory()
    const json = { ...inner, set: (key: string, value: unknown) => inner.set(key, JSON.parse(JSON.stringify(value))) }
    const storage = encryptedStorage(json, memory())
    await storage.set('session', tokens)
    expect(await storage.get('session')).toEqual(tokens)
  })

  it('rejects when the storage itself fails, so a caller can tell it from no record', async () => {
    const broken = { ...memory(), get: () => Promise.reject(new Error('IndexedDB closed')) }
    await expect(encryptedStorage(broken).get('session')).rejects.toThrow('IndexedDB closed')
  })

  it('deletes a record', async () => {
    const inner = idb()
    const storage = encryptedStorage(inner)
    await storage.set('session', tokens)
    await storage.del('session')
    expect(await storage.get('session')).toBeUndefined()
    expect(await inner.get('session')).toBeUndefined()
  })
})

describe('encryptedStorage over IndexedDB', () => {
  it('reads the key and the record in one transaction (getMany), not two', async () => {
    const { store, ...inner } = idb()
    const batched = { ...inner, getMany: vi.fn((keys: string[]) => getMany(keys, store)) }
    const storage = encryptedStorage(batched)
    await storage.set('session', tokens)
    const get = vi.spyOn(batched, 'get')
    expect(await storage.get('session')).toEqual(tokens)
    expect(batched.getMany).toHaveBeenCalledTimes(1)
    expect(batched.getMany).toHaveBeenCalledWith([ENCRYPTION_KEY_RECORD, 'session'])
    expect(get).not.toHaveBeenCalled()
  })
})
