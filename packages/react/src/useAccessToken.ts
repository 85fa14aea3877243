import { useEffect, useState } from 'react'
import type { AuthError } from '@pkce-auth/core'
import { useAuthState } from './useAuth'
import { useAuthClient } from './useAuthClient'

/** What {@link useAccessToken} returns; both `undefined` while loading or signed out. */
export interface AccessTokenResult {
  token: string | undefined
  error: AuthError | undefined
}

type Fetched = { expiresAt: number; token?: string; error?: AuthError }

/**
 * Returns a valid access token for rendering-time needs (an `<img>` URL, a WebSocket), fetched
 * with `getAccessToken()` and fetched again whenever the session's `expiresAt` changes (a refresh,
 * a new sign-in). For requests prefer `useAuth().fetch`, which attaches the token itself.
 *
 * `error` is the `AuthError` `getAccessToken` rejected with (`network`, `invalid_grant`, ...).
 * A token from an earlier session is never returned: after sign-out both fields are `undefined`.
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
  const [fetched, setFetched] = useState<Fetched>()

  useEffect(() => {
    if (expiresAt === undefined) return
    let active = true
    client.getAccessToken().then(
      (token) => active && setFetched({ expiresAt, token }),
      (error: AuthError) => active && setFetched({ expiresAt, error }),
    )
    return () => {
      active = false
    }
  }, [client, expiresAt])

  // Keyed by expiresAt, so a result that belongs to another session or token is never shown.
  const current = fetched?.expiresAt === expiresAt ? fetched : undefined
  return { token: current?.token, error: current?.error }
}
