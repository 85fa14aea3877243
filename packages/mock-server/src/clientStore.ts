import { defaultScopes } from './mockServerOptions'
import type { GrantType, MockClientSeed } from './mockServerOptions'
import { randomToken, randomUuid } from './randomToken'
import { redirectUriOrigin, redirectUrisProblems } from './validation'

/** A registered OAuth client as the server keeps it. */
export interface MockClient {
  /** The management record's uuid (`/v2/oauth_clients/{id}`). */
  id: string
  clientId: string
  name: string
  clientType: 'public' | 'confidential'
  /** `null` for public clients. */
  clientSecret: string | null
  redirectUris: string[]
  allowedScopes: string[]
  allowedGrantTypes: GrantType[]
  requirePkce: boolean
  logoUri: string | null
  policyUri: string | null
  tosUri: string | null
  verified: boolean
  /**
   * The user who made the client (seeded, or created through `/v2/oauth_clients`), on whose account its
   * client-credentials tokens act; `null` for a dynamically registered client, which belongs to no user.
   */
  userId: string | null
  createdAt: string
  updatedAt: string
}

/** The clients the server knows, by `clientId`. */
export interface ClientStore {
  /** The client with this `client_id`, or `undefined`. */
  get(clientId: string): MockClient | undefined
  /** The client whose management uuid or `client_id` is `idOrClientId`. */
  find(idOrClientId: string): MockClient | undefined
  /** Adds (or replaces) a client; returns the stored record, secret included. */
  add(seed: MockClientSeed): MockClient
  /** Every client, oldest first. */
  list(): MockClient[]
  /** Applies a partial update and bumps `updatedAt`. */
  update(clientId: string, patch: Partial<Omit<MockClient, 'id' | 'clientId' | 'createdAt'>>): MockClient | undefined
  /** Forgets a client; returns whether it existed. */
  remove(clientId: string): boolean
  /** Web origins of every registered redirect URI: the origins CORS allows (cached until a client changes). */
  allowedOrigins(): ReadonlySet<string>
}

/** Creates a client store; `defaultUserId` owns clients seeded without a `userId`. */
export function createClientStore(defaultUserId: () => string): ClientStore {
  const clients = new Map<string, MockClient>()
  // Rebuilt only when a client changes, never per request (a request must not cost O(all redirect URIs)).
  let origins: Set<string> | undefined

  const add = (seed: MockClientSeed): MockClient => {
    if (typeof seed.clientId !== 'string' || seed.clientId === '') {
      throw new TypeError('"clientId" must be a non-empty string')
    }
    const problems = redirectUrisProblems(seed.redirectUris)
    if (problems.length > 0) throw new TypeError(`"redirectUris" of client "${seed.clientId}": ${problems.join('; ')}`)
    const clientType = seed.clientType ?? 'public'
    const now = new Date().toISOString()
    const client: MockClient = {
      id: seed.id ?? randomUuid(),
      clientId: seed.clientId,
      name: seed.name ?? seed.clientId,
      clientType,
      clientSecret: clientType === 'confidential' ? (seed.clientSecret ?? randomToken()) : null,
      redirectUris: [...seed.redirectUris],
      allowedScopes: [...(seed.allowedScopes ?? defaultScopes)],
      allowedGrantTypes: [
        ...(seed.allowedGrantTypes ??
          (clientType === 'confidential'
            ? ['authorization_code', 'refresh_token', 'client_credentials']
            : ['authorization_code', 'refresh_token'])),
      ],
      requirePkce: seed.requirePkce ?? clientType === 'public',
      logoUri: seed.logoUri ?? null,
      policyUri: seed.policyUri ?? null,
      tosUri: seed.tosUri ?? null,
      verified: seed.verified ?? false,
      userId: seed.userId === null ? null : (seed.userId ?? defaultUserId()),
      createdAt: now,
      updatedAt: now,
    }
    clients.set(client.clientId, client)
    origins = undefined
    return client
  }

  return {
    get: (clientId) => clients.get(clientId),
    find: (idOrClientId) =>
      clients.get(idOrClientId) ?? [...clients.values()].find((client) => client.id === idOrClientId),
    add,
    list: () => [...clients.values()],
    update(clientId, patch) {
      const client = clients.get(clientId)
      if (!client) return undefined
      Object.assign(client, patch, { updatedAt: new Date().toISOString() })
      origins = undefined
      return client
    },
    remove(clientId) {
      origins = undefined
      return clients.delete(clientId)
    },
    allowedOrigins() {
      if (origins) return origins
      origins = new Set()
      for (const client of clients.values()) {
        for (const uri of client.redirectUris) {
          // A private-use scheme has no web origin (its URL origin is "null", which must never be allowed).
          const origin = redirectUriOrigin(uri)
          if (origin) origins.add(origin)
        }
      }
      return origins
    },
  }
}
