import { idbStorage } from '@pkce-auth/core'
import type { AuthStorage } from '@pkce-auth/core'
import { encryptedStorage } from '../src/encryptedStorage'

/**
 * The records a client keeps in `storage`, read and written in the clear: the client encrypts every
 * record with the origin's key in IndexedDB (fake-indexeddb here), and so does this view.
 */
export const records = (storage: AuthStorage) => encryptedStorage(storage, idbStorage())
