import type { Client } from 'oauth4webapi'
import type { Expiry } from './expiry'
import type { ResolvedOptions } from './options'
import type { SessionStore } from './sessionStore'
import type { TokenExchange } from './tokenExchange'
import type { RedirectResult } from './types'

/**
 * What the add-ons reach of a client made by `createAuthClient`, beyond its public methods: its parts,
 * kept in a module-private map keyed by the client, so they are neither a property of it nor public
 * API. Free to change.
 */
export interface ClientParts {
  sessions: SessionStore
  exchange: TokenExchange
  client: Client
  expiry: Expiry
  config: ResolvedOptions
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
