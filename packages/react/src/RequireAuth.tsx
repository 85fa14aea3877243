import { useEffect, useState } from 'react'
import type { ReactNode } from 'react'
import type { AuthClient, AuthState, SignInOptions } from '@pkce-auth/core'
import { isHandlingRedirect } from './redirectCallback'
import { allowSignInAttempt } from './signInAttempts'
import { useAuthState } from './useAuth'
import { useAuthClient } from './useAuthClient'

/** Props of {@link RequireAuth}. */
export interface RequireAuthProps {
  children?: ReactNode
  /** Rendered while loading, while a callback is handled and while redirecting to sign in. Default: nothing. */
  fallback?: ReactNode
  /**
   * Rendered instead of signing in when the state carries an error (a failed callback or sign-in:
   * read it with `useAuth().error`) or when 3 automatic sign-ins happened within a minute.
   * Default: `fallback`.
   */
  errorFallback?: ReactNode
  /** Passed to `signIn`. Default `returnTo`: the current path, query and hash, so the user comes back here. */
  signInOptions?: SignInOptions
}

// Errors that only say "sign in again" (an ended session); any other error on a signed-out state
// means signing in failed, and trying again at once would fail the same way.
const isFailed = (state: AuthState) =>
  state.status === 'signedOut' &&
  (state.reason === 'callback_failed' || (!!state.error && !/^(invalid_grant|login_required)$/.test(state.error.code)))

// One automatic sign-in at a time per client: StrictMode runs the effect twice, and several
// RequireAuth may be mounted at once.
const signingIn = new WeakSet<AuthClient>()

/**
 * Renders `children` when signed in and starts `signIn` when signed out, so a page is only seen by
 * signed-in users. It never loops: it does not sign in while the provider handles a callback, it
 * renders `errorFallback` when the state carries an error, and it stops after 3 automatic
 * sign-ins within a minute (counted per browser tab).
 *
 * @throws {Error} When rendered outside an `<AuthProvider>`.
 * @example
 * <RequireAuth fallback={<Spinner />} errorFallback={<SignInError />}>
 *   <Settings />
 * </RequireAuth>
 */
export function RequireAuth({ children, fallback = null, errorFallback = fallback, signInOptions }: RequireAuthProps) {
  const client = useAuthClient()
  const state = useAuthState(client)
  // The loop breaker's verdict belongs to the state it was made for; a new state is judged afresh.
  const [stoppedAt, setStoppedAt] = useState<AuthState>()
  const failed = isFailed(state)

  useEffect(() => {
    if (state.status !== 'signedOut' || failed || signingIn.has(client) || isHandlingRedirect(client)) return
    if (!allowSignInAttempt()) return setStoppedAt(state)
    signingIn.add(client)
    // A rejection lands in the client's state as well (signedOut with `error`), which renders errorFallback.
    const { pathname, search, hash } = location
    client
      .signIn({ returnTo: pathname + search + hash, ...signInOptions })
      .catch(() => {})
      .finally(() => signingIn.delete(client))
  }, [client, state])

  if (state.status === 'signedIn') return children
  return failed || stoppedAt === state ? errorFallback : fallback
}
