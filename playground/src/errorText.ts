import { AuthError } from '@pkce-auth/react'
import type { AuthErrorCode } from '@pkce-auth/react'
import { TelnyxApiError, TelnyxNetworkError } from '@pkce-auth/telnyx'

// What each AuthError code means to the person at the screen.
const authSentences: Record<AuthErrorCode, string> = {
  access_denied: 'You declined the request, so you are still signed out.',
  state_mismatch: 'That sign-in link was stale or already used. Please sign in again.',
  not_a_callback: 'This page is not a sign-in response.',
  login_required: 'You are not signed in.',
  invalid_grant: 'The server ended your session (revoked or expired). Please sign in again.',
  oauth_error: 'The authorization server refused the request.',
  invalid_response: 'The authorization server sent an answer that failed validation.',
  network: 'The authorization server could not be reached.',
  timeout: 'The authorization server took too long to answer.',
  server_error: 'The authorization server is having trouble.',
  rate_limited: 'The authorization server asked us to slow down (too many requests).',
  storage_unavailable: 'The browser would not let us store your session (private mode or storage full).',
  exchange_failed: 'Signing in could not be completed: the authorization server gave no answer. Please sign in again.',
  popup_blocked: 'The browser blocked the sign-in window. Allow pop-ups for this site, or sign in again.',
  popup_closed: 'The sign-in window was closed before you finished. Please sign in again.',
}

/** A sentence for any error the playground can meet: the core's, the Telnyx client's, or anything else. */
export function errorText(error: unknown): string {
  if (error instanceof AuthError) {
    const said = error.error_description ? ` (“${error.error_description}”)` : ''
    return (authSentences[error.code] ?? error.message) + said
  }
  if (error instanceof TelnyxApiError) {
    const detail = error.errors[0]?.detail ?? error.errors[0]?.title ?? error.message
    if (error.status === 401) return `The API no longer accepts your token: ${detail}`
    if (error.status === 403) return `You lack the permission for that: ${detail}`
    if (error.status === 429) return 'The API is rate limiting us; try again in a moment.'
    return `The API said no (HTTP ${error.status}): ${detail}`
  }
  if (error instanceof TelnyxNetworkError) return `The API could not be reached (${error.code}).`
  return error instanceof Error ? error.message : String(error)
}
