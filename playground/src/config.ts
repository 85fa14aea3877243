/** Where the playground signs in. */
export interface PlaygroundConfig {
  issuer: string
  clientId: string
  /** Seconds before expiry that the core refreshes (its default is 60). */
  refreshLeewaySeconds?: number
  /** DPoP (`?dpop=1`): the `dpop()` add-on; the mock server must run with `--dpop` (`npm run dev -- --dpop`). */
  dpop?: boolean
}

declare global {
  interface Window {
    /** Set before the page loads (the end-to-end tests do) to point the playground elsewhere. */
    __PLAYGROUND_CONFIG__?: Partial<PlaygroundConfig>
  }
}

const KEY = 'playground:config'
const defaults = { issuer: 'http://127.0.0.1:4000', clientId: 'pkce-auth-playground' }

/**
 * The mock server that `npm run dev` starts, unless `?issuer=…&clientId=…&leeway=…` says otherwise.
 * Query parameters are remembered for the tab, since the sign-in round trip drops them.
 */
export function readConfig(): PlaygroundConfig {
  const query = new URLSearchParams(location.search)
  const given = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Partial<PlaygroundConfig>
  if (query.has('issuer')) given.issuer = query.get('issuer')!
  if (query.has('clientId')) given.clientId = query.get('clientId')!
  if (query.has('leeway')) given.refreshLeewaySeconds = Number(query.get('leeway'))
  if (query.has('dpop')) given.dpop = query.get('dpop') === '1'
  sessionStorage.setItem(KEY, JSON.stringify(given))
  return { ...defaults, ...given, ...window.__PLAYGROUND_CONFIG__ }
}

/** The query that opens the playground with this config in a fresh tab ('' for the defaults). */
export function configQuery({ issuer, clientId, refreshLeewaySeconds, dpop }: PlaygroundConfig): string {
  const query = new URLSearchParams()
  if (issuer !== defaults.issuer) query.set('issuer', issuer)
  if (clientId !== defaults.clientId) query.set('clientId', clientId)
  if (refreshLeewaySeconds !== undefined) query.set('leeway', String(refreshLeewaySeconds))
  if (dpop) query.set('dpop', '1')
  return query.size ? `?${query}` : ''
}
