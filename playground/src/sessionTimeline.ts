import { useCallback, useEffect, useState } from 'react'
import type { AuthClient, AuthError, AuthState } from '@pkce-auth/react'
import { errorText } from './errorText'

/** One mark on the timeline. `note` marks something the person did; the rest come from the client. */
export interface TimelineEntry {
  id: string
  at: number
  kind: 'signedIn' | 'restored' | 'refreshed' | 'error' | 'signedOut' | 'ended' | 'note'
  title: string
  detail?: string
}

type NewEntry = Omit<TimelineEntry, 'id' | 'at'>

// The events API of the core: `auth.on(name, listener)`. Until a client has it, refreshes and errors
// are read off state changes instead, so this adapter is the one place that knows the difference.
type Events = {
  tokenRefreshed: { expiresAt: number; source: 'scheduled' | 'demand' | 'otherTab' }
  error: { error: AuthError; willRetry: boolean }
  storageFallback: { error: unknown }
}
type WithEvents = { on<K extends keyof Events>(name: K, listener: (event: Events[K]) => void): () => void }
const hasEvents = (auth: object): auth is WithEvents => typeof (auth as Partial<WithEvents>).on === 'function'

const endings = ['invalid_grant', 'access_denied', 'state_mismatch', 'login_required']
const sources = { scheduled: 'on schedule', demand: 'on demand', otherTab: 'by another tab' }
const until = (expiresAt: number) => {
  const seconds = Math.round((expiresAt - Date.now()) / 1000)
  return `valid for ${seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${seconds} s`}`
}

/** Calls `add` for each moment in the session's life: sign-in, refreshes, errors and retries, sign-out (`callback`: this page carries an authorization response). */
export function watchSession(auth: AuthClient, add: (entry: NewEntry) => void, callback = false): () => void {
  let previous: AuthState = auth.getState()
  const onState = () => {
    const state = auth.getState()
    const before = previous
    previous = state
    if (state.status === 'signedIn') {
      if (before.status === 'loading' && !callback) add({ kind: 'restored', title: 'Session restored from storage', detail: until(state.expiresAt) })
      else if (before.status !== 'signedIn') add({ kind: 'signedIn', title: 'Signed in', detail: state.user?.email as string | undefined })
      else if (!hasEvents(auth) && before.status === 'signedIn') {
        if (state.expiresAt !== before.expiresAt) add({ kind: 'refreshed', title: 'Token refreshed', detail: until(state.expiresAt) })
        if (state.error && state.error !== before.error) {
          add({ kind: 'error', title: state.error.retryable ? 'Refresh failed, will retry' : 'Refresh failed', detail: errorText(state.error) })
        }
      }
    } else if (state.status === 'signedOut' && (before.status !== 'signedOut' || state.reason !== before.reason)) {
      if (state.reason === 'signed_out') add({ kind: 'signedOut', title: 'Signed out' })
      else if (state.reason === 'session_expired') add({ kind: 'ended', title: 'Session ended by the server', detail: state.error && errorText(state.error) })
      else if (state.reason === 'callback_failed') add({ kind: 'ended', title: 'Sign-in failed', detail: state.error && errorText(state.error) })
    }
  }
  const stops = [auth.subscribe(onState)]
  if (hasEvents(auth)) {
    stops.push(
      auth.on('tokenRefreshed', ({ expiresAt, source }) =>
        add({ kind: 'refreshed', title: `Token refreshed ${sources[source] ?? ''}`.trim(), detail: until(expiresAt) })),
      auth.on('error', ({ error, willRetry }) => {
        // Failures that end the session or the sign-in show up as that, from the state.
        if (!willRetry && endings.includes(error.code)) return
        const what = error.status ? `HTTP ${error.status}` : error.code
        add({ kind: 'error', title: willRetry ? `${what}: retrying` : `Request failed: ${what}`, detail: errorText(error) })
      }),
      auth.on('storageFallback', ({ error }) =>
        add({ kind: 'error', title: 'Storage unavailable: session kept in memory', detail: errorText(error) })),
    )
  }
  onState()
  return () => stops.forEach((stop) => stop())
}

const KEY = 'playground:timeline'
const LIMIT = 40

/**
 * The timeline of this tab, kept in sessionStorage so it survives the sign-in round trip and
 * reloads. Returns the entries (newest last) and `note` for marking what the person did.
 */
export function useTimeline(auth: AuthClient) {
  const [entries, setEntries] = useState<TimelineEntry[]>(() => JSON.parse(sessionStorage.getItem(KEY) ?? '[]'))
  const note = useCallback((entry: NewEntry) => {
    setEntries((list) => {
      const next = [...list, { ...entry, id: crypto.randomUUID(), at: Date.now() }].slice(-LIMIT)
      sessionStorage.setItem(KEY, JSON.stringify(next))
      return next
    })
  }, [])
  // On a callback page the state goes from loading straight to signed in: a sign-in, not a restore.
  // Read while rendering, before the provider's effect takes the response out of the address bar.
  const [callback] = useState(() => auth.isRedirectCallback())
  useEffect(() => watchSession(auth, note, callback), [auth, note, callback])
  const clear = useCallback(() => {
    sessionStorage.removeItem(KEY)
    setEntries([])
  }, [])
  return { entries, note, clear }
}
