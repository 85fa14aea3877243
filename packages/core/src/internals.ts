import type { AuthorizationServer, Client } from 'oauth4webapi'
import type { Expiry } from './expiry'
import type { ResolvedOptions } from './options'
import type { AuthPlugin } from './plugins'
import type { protocolFetch } from './protocolFetch'
import type { SessionStore } from './sessionStore'
import type { Store } from './store'
import type { TokenExchange } from './tokenExchange'
import type { RedirectResult } from './types'

/**
 * A client's parts, as `createAuthClient` makes them one after the other: each part takes this one
 * object (and reads the parts made before it), and the add-ons reach them through it, beyond the
 * client's public methods. Kept in a module-private map keyed by the client, so they are neither a
 * property of it nor public API. Free to change.
 */
export interface ClientParts {
  config: ResolvedOptions
  client: Client
  /** One name per issuer and client: the refresh lock and the tab channel. */
  name: string
  /** `name + ':'`: prefixes every record of this client. */
  prefix: string
  store: Store
  expiry: Expiry
  /** How protocol requests are sent. */
  http: ReturnType<typeof protocolFetch>
  /** An endpoint from the metadata, as a URL, https unless on loopback. */
  endpoint: (value: string | undefined) => URL
  /** Wraps each request that proves possession (code exchange, refresh, userinfo): an add-on's (DPoP), else none. */
  prove: NonNullable<AuthPlugin['prove']>
  sessions: SessionStore
  server: () => Promise<AuthorizationServer>
  exchange: TokenExchange
}

/**
 * On a popup's callback page: hands the authorization response at `url` to the page that opened the
 * popup and settles once it did (`forget` deletes the sign-in's transaction); `undefined` where this
 * page is that opener, which then exchanges the code itself.
 */
export type PopupCallback = (url: URL, forget: () => Promise<void>) => Promise<RedirectResult> | undefined

const parts = new WeakMap<object, ClientParts>()

/** The hooks an add-on installs, for every client, when it is imported. */
export const addOns: { popup?: PopupCallback } = {}

/** Keeps `client`'s parts for the add-ons; returns `client`. */
export const register = <T extends object>(client: T, internal: ClientParts) => (parts.set(client, internal), client)

/** The parts of `client`; a `TypeError` for anything `createAuthClient` did not make. */
export const partsOf = (client: object): ClientParts => {
  const found = parts.get(client)
  if (!found) throw new TypeError('Expected a client made by createAuthClient')
  return found
}
