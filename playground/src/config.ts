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

/**
 * The mock server that `npm run dev` starts, unless `?issuer=…&clientId=…&leeway=…` says otherwise.
 * Query parameters are remembered for the tab, since the sign-in round trip drops them.
 */
export function readConfig(): PlaygroundConfig {
  const query = new URLSearchParams(location.search)
  const fromQuery = {
    issuer: query.get('issuer') ?? undefined,
    clientId: query.get('clientId') ?? undefined,
    refreshLeewaySeconds: query.has('leeway') ? Number(query.get('leeway')) : undefined,
  }
  const remembered = JSON.parse(sessionStorage.getItem(KEY) ?? '{}') as Partial<PlaygroundConfig>
  const given = { ...remembered, ...JSON.parse(JSON.stringify(fromQuery)) as Partial<PlaygroundConfig> }
  sessionStorage.setItem(KEY, JSON.stringify(given))
  return {
    issuer: 'http://127.0.0.1:4000',
    clientId: 'pkce-auth-playground',
    ...given,
    ...window.__PLAYGROUND_CONFIG__,
  }
}

/** The query that opens the playground with this config in a fresh tab ('' for the defaults). */
export function configQuery({ issuer, clientId, refreshLeewaySeconds }: PlaygroundConfig): string {
  const query = new URLSearchParams()
  if (issuer !== 'http://127.0.0.1:4000') query.set('issuer', issuer)
  if (clientId !== 'pkce-auth-playground') query.set('clientId', clientId)
  if (refreshLeewaySeconds !== undefined) query.set('leeway', String(refreshLeewaySeconds))
  return query.size ? `?${query}` : ''
}
