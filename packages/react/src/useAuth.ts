import { useMemo, useSyncExternalStore } from 'react'
import type { AuthClient, AuthError, AuthState } from '@pkce-auth/core'
import { getServerState } from './authContext'
import { useAuthClient } from './useAuthClient'

/** The client's actions as {@link useAuth} returns them: the client's own functions, stable across renders. */
export type AuthActions = Pick<AuthClient, 'signIn' | 'signOut' | 'getAccessToken' | 'fetch'>

/**
 * What {@link useAuth} returns: the `AuthState` fields, flags derived from `status`, and the
 * client's actions. A union on `status` (and on `isSignedIn`), so `user` is typed only when signed in.
 */
export type UseAuthResult = AuthActions &
  (
    | (Extract<AuthState, { status: 'loading' }> & {
        user: undefined
        error: undefined
        isSignedIn: false
        isLoading: true
      })
    | (Extract<AuthState, { status: 'signedOut' }> & {
        user: undefined
        error: AuthError | undefined
        isSignedIn: false
        isLoading: false
      })
    | (Extract<AuthState, { status: 'signedIn' }> & {
        error: AuthError | undefined
        isSignedIn: true
        isLoading: false
      })
  )

/**
 * Reads the auth state of the nearest `<AuthProvider>`'s client and returns it with the client's
 * actions. The component re-renders when the state changes, and only then; the actions keep their
 * identity across renders. On the server and during hydration the status is `'loading'`, and so it
 * is while the provider handles the redirect callback: a guard such as `!isLoading && !isSignedIn`
 * never sees the moment the callback page is signed out before its code is exchanged.
 *
 * `error` is the state's error: on `signedOut`, why signing in failed; on `signedIn`, the last
 * transient failure of a refresh that will be retried (the user stays signed in).
 *
 * @throws {Error} When called outside an `<AuthProvider>`.
 * @example
 * const { status, user, error, signIn, signOut } = useAuth()
 * if (status === 'loading') return <Spinner />
 * return status === 'signedIn'
 *   ? <button onClick={() => signOut()}>Sign out {user?.name}</button>
 *   : <button onClick={() => signIn()}>Sign in</button>
 */
export function useAuth(): UseAuthResult {
  const client = useAuthClient()
  const state = useAuthState(client)
  return useMemo(
    () =>
      ({
        user: undefined,
        error: undefined,
        ...state,
        isSignedIn: state.status === 'signedIn',
        isLoading: state.status === 'loading',
        signIn: client.signIn,
        signOut: client.signOut,
        getAccessToken: client.getAccessToken,
        fetch: client.fetch,
      }) as UseAuthResult,
    [client, state],
  )
}

/** The client's state snapshot, re-rendering on change; `'loading'` on the server and while a callback is handled. Internal. */
export function useAuthState(client: AuthClient): AuthState {
  // The client's own functions, stable for its life. Reading the state is what starts the client (it
  // restores the session); on a callback page the core says `loading` until the callback settles.
  return useSyncExternalStore(client.subscribe, client.getState, getServerState)
}
