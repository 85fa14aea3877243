import type { AuthStorage, Batch } from './storage'

/** Where the encryption key lives in `keyStorage`. */
export const ENCRYPTION_KEY_RECORD = 'encryption-key'

const AES = 'AES-GCM'

// Records are plain strings, so a storage that keeps JSON (localStorage, a server) can hold them too.
// One character per byte by `reduce`: spreading a large array into `fromCharCode` overflows the stack.
const encode = (bytes: ArrayBuffer | Uint8Array) => btoa(new Uint8Array(bytes).reduce((text, byte) => text + String.fromCharCode(byte), ''))
/** The bytes of base64 (or base64url) `text`. */
export const decode = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))

/**
 * Wraps a storage so that every value is kept as `{ v: 1, iv, data }` (base64 strings): the JSON of the value, encrypted
 * with AES-GCM under a non-extractable `CryptoKey`, with the record's key as additional data so a
 * record cannot be moved under another key. The `CryptoKey` itself is stored (structured clone, not
 * exportable) in `keyStorage` (IndexedDB or memory) under {@link ENCRYPTION_KEY_RECORD}, created on the first write.
 *
 * A record that is missing, foreign, tampered with, of another version, or encrypted under a lost key
 * reads as `undefined`, so an unreadable session is simply no session. Only a failing storage rejects
 * (so the caller can tell "nothing stored" from "storage broken").
 *
 * This protects tokens from anything that reads the stored data
 * (a disk image, a profile copy, a browser extension or tool dumping IndexedDB); it does not protect
 * them from script running in the page, which can ask this same storage to decrypt.
 *
 * @example
 * const storage = encryptedStorage(idbStorage())
 * await storage.set('session', tokens)
 */
export function encryptedStorage(inner: AuthStorage & Batch, keyStorage: AuthStorage = inner): AuthStorage {
  const params = (key: string, iv: Uint8Array<ArrayBuffer>) => ({ name: AES, iv, additionalData: new TextEncoder().encode(key) })

  // The key is not cached: another tab may have created it, and the stored one is the truth.
  const createKey = async (): Promise<CryptoKey> => {
    const stored = await keyStorage.get<CryptoKey>(ENCRYPTION_KEY_RECORD)
    if (stored) return stored
    await keyStorage.set(ENCRYPTION_KEY_RECORD, await crypto.subtle.generateKey({ name: AES, length: 256 }, false, ['encrypt', 'decrypt']))
    // Read back, so that without Web Locks two tabs creating a key at once most likely go on with the one kept.
    return (await keyStorage.get<CryptoKey>(ENCRYPTION_KEY_RECORD))!
  }
  // Tabs take turns creating the key, so none encrypts under a key that another then overwrites.
  const writeKey = (): Promise<CryptoKey> =>
    globalThis.navigator?.locks ? navigator.locks.request(ENCRYPTION_KEY_RECORD, createKey) : createKey()

  return {
    async get<T>(key: string) {
      // Key and record in one IndexedDB transaction where they share one: a page load restores in one round.
      const [cryptoKey, record] = (keyStorage === inner && inner.getMany
        ? await inner.getMany([ENCRYPTION_KEY_RECORD, key])
        : await Promise.all([keyStorage.get(ENCRYPTION_KEY_RECORD), inner.get(key)])) as [CryptoKey?, { v: number; iv: string; data: string }?]
      try {
        if (record?.v !== 1) return
        const plain = await crypto.subtle.decrypt(params(key, decode(record.iv)), cryptoKey!, decode(record.data))
        return JSON.parse(new TextDecoder().decode(plain)) as T
      } catch {
        // Wrong key, tampered data or a foreign shape all mean the same thing: nothing readable here.
      }
    },
    async set(key, value) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const data = await crypto.subtle.encrypt(params(key, iv), await writeKey(), new TextEncoder().encode(JSON.stringify(value)))
      await inner.set(key, { v: 1, iv: encode(iv), data: encode(data) })
    },
    del: (key) => inner.del(key),
  }
}
