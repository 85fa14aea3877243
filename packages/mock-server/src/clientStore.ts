import { defaultScopes } from './mockServerOptions'
import type { GrantType, MockClientSeed } from './mockServerOptions'
import { randomToken, randomUuid } from './randomToken'

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
  userId: string
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
  /** Origins of every registered redirect URI: the origins CORS allows. */
  allowedOrigins(): Set<string>
}

/** Creates a client store; `defaultUserId` owns clients seeded without a `userId`. */
export function createClientStore(defaultUserId: () => string): ClientStore {
  const clients = new Map<string, MockClient>()

  const add = (seed: MockClientSeed): MockClient => {
    if (typeof seed.clientId !== 'string' || seed.clientId === '') {
      throw new TypeError('"clientId" must be a non-empty string')
    }
    if (!Array.isArray(seed.redirectUris)) throw new TypeError('"redirectUris" must be an array')
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
      userId: seed.userId ?? defaultUserId(),
      createdAt: now,
      updatedAt: now,
    }
    clients.set(client.clientId, client)
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
      return client
    },
    remove: (clientId) => clients.delete(clientId),
    allowedOrigins() {
      const origins = new Set<string>()
      for (const client of clients.values()) {
        for (const uri of client.redirectUris) {
          try {
            origins.add(new URL(uri).origin)
          } catch {
            // A seeded redirect URI that is not a URL (e.g. a custom scheme) contributes no web origin.
          }
        }
      }
      return origins
    },
  }
}
