import { useEffect, useRef, useState } from 'react'
import type { AuthClient, AuthError } from '@pkce-auth/core'
import { useAuthState } from './useAuth'
import { useAuthClient } from './useAuthClient'

/** What {@link useAccessToken} returns; both `undefined` while loading or signed out. */
export interface AccessTokenResult {
  token: string | undefined
  error: AuthError | undefined
}

type Fetched = { expiresAt: number; token?: string; error?: AuthError }

// The longest delay setTimeout takes; a later expiry is waited for in steps.
const maxDelay = 2 ** 31 - 1

/**
 * Returns a valid access token for rendering-time needs (an `<img>` URL, a WebSocket), fetched
 * with `getAccessToken()` and fetched again whenever the session's `expiresAt` changes (a refresh,
 * a new sign-in). For requests prefer `useAuth().fetch`, which attaches the token itself.
 *
 * `error` is the `AuthError` `getAccessToken` rejected with (`network`, `invalid_grant`, ...).
 * A token is never returned once it has expired: while the refreshes keep failing (the server
 * down, offline), the token is dropped at its expiry, or as soon as a failed refresh shows it has
 * lapsed, and `error` says why there is none. A token from an earlier session is never returned
 * either: after sign-out both fields are `undefined`.
 *
 * @throws {Error} When called outside an `<AuthProvider>`.
 * @example
 * const { token } = useAccessToken()
 * return token ? <img src={`${api}/avatar?access_token=${token}`} /> : null
 */
export function useAccessToken(): AccessTokenResult {
  const client = useAuthClient()
  const state = useAuthState(client)
  const expiresAt = state.status === 'signedIn' ? state.expiresAt : undefined
  const stateError = state.status === 'signedIn' ? state.error : undefined
  const [fetched, setFetched] = useState<Fetched>()
  // Keyed by expiresAt, so a result that belongs to another session or token is never shown.
  const current = fetched?.expiresAt === expiresAt ? fetched : undefined
  const token = current?.token
  // The expiresAt whose token was dropped at expiry.
  const lapsed = useRef<number>(undefined)

  useEffect(() => {
    if (expiresAt === undefined) return
    return ask(client, expiresAt, setFetched)
  }, [client, expiresAt])

  useEffect(() => {
    if (expiresAt === undefined || token === undefined) return
    // A failed refresh (a new `error` on the state) may mean the token in hand has lapsed on the
    // client's clock: ask again, without a refresh while it is still valid (`minValidity: 0`).
    // Once the token is gone, later failures change nothing here, so this never loops.
    const stop = stateError ? ask(client, expiresAt, setFetched, 0) : undefined
    // The core renews the token ahead of expiry; while that keeps failing, the token goes at expiry
    // and the client is asked again: a refresh now, or the error that explains why there is none.
    // Once per token: a client on another clock (the `now` option) may still call it valid.
    let timer: ReturnType<typeof setTimeout> | undefined
    const wait = () => {
      const ms = expiresAt - Date.now()
      if (ms > 0) timer = setTimeout(wait, Math.min(ms, maxDelay))
      else if (lapsed.current !== expiresAt) {
        lapsed.current = expiresAt
        setFetched({ expiresAt })
        // Not stopped by this effect's cleanup, which dropping the token runs; the answer is keyed by expiresAt.
        ask(client, expiresAt, setFetched, 0)
      }
    }
    wait()
    return () => {
      clearTimeout(timer)
      stop?.()
    }
  }, [client, expiresAt, token, stateError])

  return { token, error: current?.error }
}

/** Fetches a token for the session that expires at `expiresAt`; returns the function that ignores the answer. */
function ask(client: AuthClient, expiresAt: number, set: (fetched: Fetched) => void, minValidity?: number) {
  let active = true
  client.getAccessToken(minValidity === undefined ? undefined : { minValidity }).then(
    (token) => active && set({ expiresAt, token }),
    (error: AuthError) => active && set({ expiresAt, error }),
  )
  return () => {
    active = false
  }
}
