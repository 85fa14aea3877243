import type { AuthStorage } from './storage'

/** Where the encryption key lives in `keyStorage`. */
export const ENCRYPTION_KEY_RECORD = 'encryption-key'

const AES = 'AES-GCM'

/**
 * Wraps a storage so that every value is kept as `{ v: 1, iv, data }`: the JSON of the value, encrypted
 * with AES-GCM under a non-extractable `CryptoKey`, with the record's key as additional data so a
 * record cannot be moved under another key. The `CryptoKey` itself is stored (structured clone, not
 * exportable) in `keyStorage` under {@link ENCRYPTION_KEY_RECORD}, created on the first write.
 *
 * A record that is missing, foreign, tampered with, of another version, or encrypted under a lost key
 * reads as `undefined`: it never throws, so an unreadable session is simply no session.
 *
 * Both storages must keep values by structured clone (IndexedDB or memory): the key is a `CryptoKey`
 * and the record holds binary data. This protects tokens from anything that reads the stored data
 * (a disk image, a profile copy, a browser extension or tool dumping IndexedDB); it does not protect
 * them from script running in the page, which can ask this same storage to decrypt.
 *
 * @example
 * const storage = encryptedStorage(idbStorage('pkce-auth'))
 * await storage.set('session', tokens)
 */
export function encryptedStorage(inner: AuthStorage, keyStorage: AuthStorage = inner): AuthStorage {
  const params = (key: string, iv: Uint8Array) => ({ name: AES, iv, additionalData: new TextEncoder().encode(key) })

  // The key is not cached: another tab may have created it, and the stored one is the truth.
  const writeKey = async (): Promise<CryptoKey> => {
    const stored = await keyStorage.get<CryptoKey>(ENCRYPTION_KEY_RECORD)
    if (stored) return stored
    await keyStorage.set(ENCRYPTION_KEY_RECORD, await crypto.subtle.generateKey({ name: AES, length: 256 }, false, ['encrypt', 'decrypt']))
    // Read back, so two tabs creating a key at once both continue with the one that was kept.
    return (await keyStorage.get<CryptoKey>(ENCRYPTION_KEY_RECORD))!
  }

  return {
    async get<T>(key: string) {
      try {
        const [cryptoKey, record] = await Promise.all([
          keyStorage.get<CryptoKey>(ENCRYPTION_KEY_RECORD),
          inner.get<{ v: number; iv: Uint8Array; data: ArrayBuffer }>(key),
        ])
        if (record?.v !== 1) return
        const plain = await crypto.subtle.decrypt(params(key, record.iv), cryptoKey!, record.data)
        return JSON.parse(new TextDecoder().decode(plain)) as T
      } catch {
        // Wrong key, tampered data or a foreign shape all mean the same thing: nothing readable here.
      }
    },
    async set(key, value) {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const data = await crypto.subtle.encrypt(params(key, iv), await writeKey(), new TextEncoder().encode(JSON.stringify(value)))
      await inner.set(key, { v: 1, iv, data })
    },
    del: (key) => inner.del(key),
  }
}
