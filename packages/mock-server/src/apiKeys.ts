/** A Telnyx API key the server accepts as a bearer credential, and the user it acts for. */
export interface MockApiKeySeed {
  key: string
  /** Default: the first user. */
  userId?: string
}

/** The API keys, by key. */
export interface ApiKeyStore {
  /** The user an API key acts for, or `undefined` when it is no key of ours. */
  userOf(key: string): string | undefined
}

/** Telnyx keys are long opaque strings; a short one is a typo, not a key. */
const apiKeyPattern = /^[A-Za-z0-9\-._~+/]{16,512}$/

/** Checks the seeds (a bad one throws a `TypeError`) and keys them by value. */
export function createApiKeyStore(
  seeds: Array<string | MockApiKeySeed>,
  users: { get(id: string): unknown; signedIn(): { id: string } },
): ApiKeyStore {
  const keys = new Map<string, string>()
  for (const seed of seeds) {
    const { key, userId = users.signedIn().id } = typeof seed === 'string' ? { key: seed } : seed
    if (typeof key !== 'string' || !apiKeyPattern.test(key)) {
      throw new TypeError('an API key must be 16-512 characters of A-Z a-z 0-9 - . _ ~ + /')
    }
    if (!users.get(userId)) throw new TypeError(`API key for unknown user "${userId}"`)
    keys.set(key, userId)
  }
  return { userOf: (key) => keys.get(key) }
}
