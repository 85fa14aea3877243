import * as oauth from 'oauth4webapi'
import { bearerFetch } from './bearerFetch'
import { createExpiry } from './expiry'
import type { AuthClientOptions } from './options'
import { isLoopback, resolveOptions } from './options'
import type { ClientParts } from './internals'
import { register } from './internals'
import { hook } from './plugins'
import { protocolFetch } from './protocolFetch'
import { createRedirectFlow } from './redirectFlow'
import { createRefresher } from './refresher'
import { createScheduler } from './scheduler'
import { createServerMetadata } from './serverMetadata'
import { createSessionStore } from './sessionStore'
import { createSignOut } from './signOut'
import { createStore } from './store'
import { createTokenExchange } from './tokenExchange'
import type { AuthClient, GetAccessTokenOptions } from './types'

/**
 * Creates a client for one authorization server and one public client. Validates the options at
 * once (`TypeError` naming the option). Creating it touches nothing: the session is restored from
 * storage on first use (`getState`, `subscribe`, `on` or any action), and never outside a browser
 * (server rendering): there the state stays `loading`, records live in memory, and no timer,
 * listener or channel is started.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({
 *   issuer: 'https://api.telnyx.com',
 *   clientId: 'my-public-client-id',
 *   redirectUri: `${location.origin}/callback`,
 *   scope: 'admin',
 * })
 * if (auth.isRedirectCallback()) await auth.handleRedirect()
 * ```
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = resolveOptions(options)
  const { clientId, plugins, now } = config
  const client: oauth.Client = { client_id: clientId }
  const store = createStore()
  let disposed = false
  // One name per issuer and client: the storage prefix, the refresh lock and the tab channel.
  const name = `pkce-auth:${config.issuer}:${clientId}`
  // The parts, made in order: each reads those made before it.
  const parts = {
    config,
    client,
    name,
    prefix: name + ':',
    store,
    expiry: createExpiry(now, config.refreshLeewaySeconds * 1000),
    http: protocolFetch(config.fetch, config.retry, (error) => store.emit('error', { error, willRetry: true })),
    prove: hook(plugins, 'prove') ?? ((send) => send({})),
    endpoint(value) {
      const url = new URL(value!)
      oauth.checkProtocol(url, !isLoopback(url))
      return url
    },
  } as ClientParts
  // A callback page: one still on its address, or whose response `handleRedirect` took (it leaves the address at once).
  let handling = false
  const sessions = (parts.sessions = createSessionStore(parts, () => scheduler.schedule(), () => handling || redirect.isRedirectCallback()))
  parts.server = createServerMetadata(parts)
  hook(plugins, 'setup')?.(parts)
  parts.exchange = createTokenExchange(parts)
  const token = createRefresher(parts)
  const scheduler = createScheduler(parts, () => token(undefined, false, 'scheduled'))
  const redirect = createRedirectFlow(parts)

  /** Starts or stops the background work: it runs while someone listens, in a browser, until `dispose`. */
  const effects = () => {
    const active = sessions.inBrowser() && !disposed && store.listening()
    if (active) sessions.tabs()
    scheduler.run(active)
  }
  const listen = (type: string, listener: (event?: any) => void) => {
    sessions.start()
    const stop = store.listen(type, listener)
    effects()
    return () => {
      stop()
      effects()
    }
  }

  const getAccessToken = ({ minValidity, forceRefresh }: GetAccessTokenOptions = {}) => token(minValidity, forceRefresh, 'demand')
  // The add-ons' way in (`internals.ts`): not a property of the client.
  return register({
    ...redirect,
    handleRedirect: (url) => ((handling ||= redirect.isRedirectCallback(url)), redirect.handleRedirect(url)),
    getAccessToken,
    ...bearerFetch(getAccessToken, plugins, config.fetch),
    signOut: createSignOut(parts),
    getState: () => (sessions.start(), store.getState()),
    subscribe: (listener) => listen('change', listener),
    on: listen,
    dispose() {
      disposed = true
      store.clear()
      effects()
      sessions.dispose()
    },
  }, parts)
}
