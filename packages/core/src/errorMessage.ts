import type { AuthErrorCode } from './authError'
import { isOffline } from './retryFetch'

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
const hints: Record<string, string> = {
  invalid_client: 'an unregistered client ID',
  invalid_scope: 'a scope not in its scopes_supported',
  unauthorized_client: 'a grant this client may not use',
  unsupported_grant_type: 'a grant the server lacks',
}

/**
 * One plain sentence for a person reading a log or an error view: what failed, where (origin and
 * path), what the server said, and the likely cause where one is known. Never a token, a code or a
 * query. The `code` stays the contract; this text may change.
 */
export function errorMessage(code: AuthErrorCode, facts: ErrorFacts = {}): string {
  const { status, error, error_description } = facts
  const at = originAndPath(facts.url)
  const server = at ?? 'the server'
  // "invalid_scope: Scope not allowed", or just the error, or nothing.
  const said = error ? error + (error_description ? `: ${clip(error_description)}` : '') : ''
  // " (HTTP 400, invalid_grant: expired)", or what there is of it.
  const known = [status && `HTTP ${status}`, said].filter(Boolean).join(', ')
  const details = known && ` (${known})`
  const later = `${details}; try again later.`
  switch (code) {
    case 'network':
      return isOffline()
        ? `Offline: ${server} not reached; tried again once online.`
        : `No response from ${server}: down, or no CORS for this origin.`
    case 'timeout':
      return `No answer in time from ${at ?? 'the server, or from a refresh in another tab'}${later}`
    case 'server_error':
      return `Failure at ${server}${later}`
    case 'rate_limited':
      return `Too many requests to ${server}${later}`
    case 'invalid_grant':
      return `${server} rejected the code or refresh token${details}; sign in again.`
    case 'access_denied':
      return `Sign-in was declined (${said || code}).`
    case 'login_required':
      return error ? `The server asks the user to sign in (${said}).` : 'Not signed in.'
    case 'oauth_error':
      return `OAuth error from ${server}${details}${hints[error!] ? `; likely ${hints[error!]}` : ''}.`
    case 'invalid_response':
      return status && at
        ? `${at} answered HTTP ${status}, not a valid response${status == 404 ? '; check the issuer' : ''}.`
        : `Invalid response from ${server}${facts.detail ? `: ${facts.detail.replace(/\.$/, '')}` : ''}.`
    case 'state_mismatch':
      return 'No sign-in under way here matches this response (expired, begun in another browser, or used); sign in again.'
    case 'not_a_callback':
      return `${at ?? 'This page'} is not an authorization response (see isRedirectCallback()).`
    case 'exchange_failed':
      return `No readable answer to the code exchange at ${server}, not sent again (a code is good once): check its CORS for this origin; sign in again.`
    case 'storage_unavailable':
      return 'Sign-in not stored (IndexedDB blocked, full, or a private window); it needs storage that survives the redirect.'
    case 'popup_blocked':
      return 'Sign-in window blocked: open it from a click, before any await.'
    case 'popup_closed':
      return 'Sign-in window closed before it answered; sign in again.'
  }
}
