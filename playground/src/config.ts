/** Where the playground signs in. */
export interface PlaygroundConfig {
  issuer: string
  clientId: string
  /** Seconds before expiry that the core refreshes (its default is 60). */
  refreshLeewaySeconds?: number
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
  sessionStorage.setItem(KEY, JSON.stringify(given))
  return { ...defaults, ...given, ...window.__PLAYGROUND_CONFIG__ }
}

/** The query that opens the playground with this config in a fresh tab ('' for the defaults). */
export function configQuery({ issuer, clientId, refreshLeewaySeconds }: PlaygroundConfig): string {
  const query = new URLSearchParams()
  if (issuer !== defaults.issuer) query.set('issuer', issuer)
  if (clientId !== defaults.clientId) query.set('clientId', clientId)
  if (refreshLeewaySeconds !== undefined) query.set('leeway', String(refreshLeewaySeconds))
  return query.size ? `?${query}` : ''
}
