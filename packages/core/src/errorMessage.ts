import type { AuthErrorCode } from './authError'

/** What an error's message may say: facts that carry no secret. */
export interface ErrorFacts {
  /** Where the request went, or the page concerned: any URL, shown as origin and path only. */
  url?: string | URL
  status?: number
  error?: string
  error_description?: string
  /** What oauth4webapi found wrong with a response (its messages are fixed texts that quote no value). */
  detail?: string
}

/** `url` as origin and path: a query or a fragment may hold a code or a token, and never shows. */
export const originAndPath = (url: string | URL | undefined) => {
  try {
    const { origin, pathname } = new URL(url!)
    return origin === 'null' ? undefined : origin + pathname
  } catch {
    return undefined
  }
}

// A server's text is shown as sent, but kept to a line: it is the server's (or a link's) to choose.
const clip = (text: string) => (text.length > 200 ? text.slice(0, 199) + '…' : text).replace(/\s+/g, ' ')

// Likely causes of the OAuth errors a misconfigured app meets first.
const hints = new Map([
  ['invalid_client', 'the client ID is not registered with this server'],
  ['invalid_scope', 'the server does not allow the scope asked for (see its scopes_supported)'],
  ['unauthorized_client', 'this client may not use this grant'],
  ['unsupported_grant_type', 'the server does not support this grant'],
])

/**
 * One plain sentence for a person reading a log or an error view: what failed, where (origin and
 * path), what the server said, and the likely cause where one is known. Never a token, a code or a
 * query. The `code` stays the contract; this text may change.
 */
export function errorMessage(code: AuthErrorCode, facts: ErrorFacts = {}): string {
  const { status, error, error_description } = facts
  const at = originAndPath(facts.url)
  const [server, Server] = at ? [at, at] : ['the server', 'The server']
  // "invalid_scope: Scope not allowed", or just the error, or nothing.
  const said = error ? error + (error_description ? `: ${clip(error_description)}` : '') : ''
  // " (HTTP 400, invalid_grant: expired)", or what there is of it.
  const known = [status && `HTTP ${status}`, said].filter(Boolean).join(', ')
  const details = known && ` (${known})`
  switch (code) {
    case 'network':
      return globalThis.navigator?.onLine === false
        ? `This browser is offline, so ${server} could not be reached; the client tries again when it is back online.`
        : `No response from ${server}: the server is down, or it does not allow this origin (CORS).`
    case 'timeout':
      return at
        ? `No answer from ${at} in time${details}; try again later.`
        : 'Timed out waiting for the server, or for another tab to finish refreshing the session; try again later.'
    case 'server_error':
      return `${Server} failed${details}; try again later.`
    case 'rate_limited':
      return `${Server} is limiting requests from this client${details}; try again later.`
    case 'invalid_grant':
      return `${Server} rejected the authorization code or refresh token${details}; sign in again.`
    case 'access_denied':
      return `Sign-in was declined by the user or the authorization server (${said || 'access_denied'}).`
    case 'login_required':
      return error ? `The authorization server asks the user to sign in (${said}).` : 'Not signed in: there is no session to use; sign in first.'
    case 'oauth_error':
      return `${Server} answered with an OAuth error${details}${error && hints.has(error) ? `; likely ${hints.get(error)}` : ''}.`
    case 'invalid_response':
      if (status && at) return `${at} answered HTTP ${status}, which is not a valid response${status === 404 ? '; check the issuer and the endpoint' : ''}.`
      return `A response from ${server} is not valid${facts.detail ? `: ${facts.detail.replace(/\.$/, '')}` : ''}.`
    case 'state_mismatch':
      return 'This sign-in response matches no sign-in under way in this browser: it expired, was started in another browser, or its link was used already; sign in again.'
    case 'not_a_callback':
      return `${at ?? 'This page'} is not an authorization response (no state with a code or an error at the redirect URI); call handleRedirect() only where isRedirectCallback() is true.`
    case 'exchange_failed':
      return `The code exchange at ${server} got no readable answer and was not sent again (a code is good once); check that the token endpoint allows this origin (CORS), then sign in again.`
    case 'storage_unavailable':
      return 'The sign-in could not be stored in this browser (IndexedDB blocked or full, or a private window); sign-in needs storage that survives the redirect.'
    case 'popup_blocked':
      return 'The browser blocked the sign-in window: open it from a click, before any await.'
    case 'popup_closed':
      return 'The sign-in window closed before it answered; sign in again.'
  }
}
