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

// What failed, per code, and what to do next where it is the same every time: `@` is where (origin
// and path, else the server), `#` what is known (status, the server's words).
const sentences: Record<AuthErrorCode, string> = {
  network: 'No response from @: down, or no CORS for this origin#',
  timeout: 'No answer in time from @#; try again later',
  server_error: 'Failure at @#; try again later',
  rate_limited: 'Too many requests to @#; try again later',
  invalid_grant: '@ rejected the code or refresh token#; sign in again',
  access_denied: 'Sign-in was declined#',
  login_required: 'Not signed in#',
  oauth_error: 'OAuth error from @#',
  invalid_response: 'Invalid response from @#',
  state_mismatch: 'No sign-in under way here matches this response (expired, begun elsewhere, or used)#; sign in again',
  not_a_callback: 'Not an authorization response: @ (see isRedirectCallback())#',
  exchange_failed: 'No readable answer to the code exchange at @# (not resent: a code is good once); check its CORS, sign in again',
  storage_unavailable: 'Sign-in not stored (IndexedDB blocked, full, or a private window)#',
  popup_blocked: 'Sign-in window blocked: open it from a click, before any await#',
  popup_closed: 'Sign-in window closed before it answered#; sign in again',
}

/**
 * One plain sentence for a person reading a log or an error view: what failed, where (origin and
 * path), what the server said, and the likely cause or what to do where one is known. Never a token,
 * a code or a query. The `code` stays the contract; this text may change.
 */
export function errorMessage(code: AuthErrorCode, facts: ErrorFacts = {}): string {
  const { status, error, error_description, detail } = facts
  const where = originAndPath(facts.url) ?? { timeout: 'the server, or a refresh in another tab', not_a_callback: 'this page' }[code as string] ?? 'the server'
  // " (HTTP 400, invalid_scope: Scope not allowed)", or what there is of it.
  const known = [status && `HTTP ${status}`, error && error + (error_description ? `: ${clip(error_description)}` : '')].filter(Boolean).join(', ')
  // What oauth4webapi found wrong with a response that had no error status.
  const found = detail && !status ? `: ${detail.replace(/\.$/, '')}` : ''
  const sentence = code == 'network' && isOffline() ? 'Offline: @ not reached#; tried again once online' : sentences[code]
  // Replaced by functions: a `$` in a URL or in the server's words is no replacement pattern.
  return sentence.replace('@', () => where).replace('#', () => found + (known && ` (${known})`)) +
    (code == 'oauth_error' && hints[error!] ? '; likely ' + hints[error!] : status == 404 ? '; check the issuer' : '') + '.'
}
