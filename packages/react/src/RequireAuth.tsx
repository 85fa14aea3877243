import { useEffect, useState } from 'react'
import type { ReactNode } from 'react'
import { AuthError } from '@pkce-auth/core'
import type { AuthClient, AuthState, SignInOptions } from '@pkce-auth/core'
import { ErrorView, SignedOutView } from './defaultViews'
import { allowSignInAttempt } from './signInAttempts'
import { useAuthState } from './useAuth'
import { useAuthClient } from './useAuthClient'

/** Props of {@link RequireAuth}. */
export interface RequireAuthProps {
  children?: ReactNode
  /** Rendered while loading, while a callback is handled, and while redirecting to sign in. Default: nothing. */
  fallback?: ReactNode
  /**
   * Rendered instead of signing in when the state carries an error (a failed callback or sign-in,
   * such as `access_denied` after Deny, `invalid_scope`, or `network` with the server down: read it
   * with `useAuth().error`), when the automatic sign-in was refused (e.g. a `returnTo` in
   * `signInOptions` that is not a same-origin path; the error is reported to the console), or when
   * 3 automatic sign-ins happened within a minute. Default: the error's message in a
   * `role="alert"` block, and a "Try again" button that signs in.
   */
  errorFallback?: ReactNode
  /**
   * Rendered after the user signed out (`reason: 'signed_out'`, in this tab or another), when no
   * sign-in starts by itself. Default: "You are signed out." and a "Sign in" button.
   */
  signedOutFallback?: ReactNode
  /**
   * Passed to `signIn`. Default `returnTo`: the current path (leading slashes collapsed to one),
   * query and hash, so the user comes back here.
   */
  signInOptions?: SignInOptions
}

// Errors that only say "sign in again" (an ended session); any other error on a signed-out state
// means signing in failed, and trying again at once would fail the same way.
const isFailed = (state: AuthState) =>
  state.status === 'signedOut' &&
  (state.reason === 'callback_failed' || (!!state.error && !/^(invalid_grant|login_required)$/.test(state.error.code)))

// The automatic sign-in under way per client, one at a time: StrictMode runs the effect twice, and
// several RequireAuth may be mounted at once. Each of them hears how it ends.
const signIns = new WeakMap<AuthClient, Promise<void>>()

/**
 * The page to come back to. A path starting with `//` (https://app.test//settings) would name
 * another host as a `returnTo`, and the client refuses it: it is the same page with one slash.
 */
const currentPage = () => location.pathname.replace(/^\/+/, '/') + location.search + location.hash

/**
 * Renders `children` when signed in and starts `signIn` when signed out, so a page is only seen by
 * signed-in users: on a first visit (no session) and after the session expired. After the user
 * signed out (`reason: 'signed_out'`, in this tab or another) it renders `signedOutFallback` and
 * starts no sign-in, so `signOut()` does not bounce back into one and `signOut({ redirect: true })`
 * reaches the end-session page.
 *
 * It never loops and never leaves a person at a spinner: it does not sign in while the provider
 * handles a callback, it renders `errorFallback` when the state carries an error or the sign-in
 * was refused, and it stops after 3 automatic sign-ins within a minute (counted per browser tab).
 * The default fallbacks have a button that signs in (a click is not counted as automatic).
 *
 * @throws {Error} When rendered outside an `<AuthProvider>`.
 * @example
 * <RequireAuth fallback={<Spinner />} errorFallback={<SignInError />} signedOutFallback={<SignedOut />}>
 *   <Settings />
 * </RequireAuth>
 */
export function RequireAuth({ children, fallback = null, errorFallback, signedOutFallback, signInOptions }: RequireAuthProps) {
  const client = useAuthClient()
  const state = useAuthState(client)
  // The default views' button: an explicit sign-in, outside the loop breaker's count.
  const signIn = () => void client.signIn({ returnTo: currentPage(), ...signInOptions }).catch(report)
  // Automatic sign-in stopped (the loop breaker, or a refusal the state does not show): the verdict
  // belongs to the state it was made for; a new state is judged afresh.
  const [stoppedAt, setStoppedAt] = useState<AuthState>()
  const failed = isFailed(state)

  useEffect(() => {
    if (state.status !== 'signedOut' || state.reason === 'signed_out' || failed) return
    let signIn = signIns.get(client)
    if (!signIn) {
      if (!allowSignInAttempt()) return setStoppedAt(state)
      const started = (signIn = client.signIn({ returnTo: currentPage(), ...signInOptions }))
      signIns.set(client, started)
      const forget = () => signIns.get(client) === started && signIns.delete(client)
      started.then(forget, (error: unknown) => {
        forget()
        report(error)
      })
    }
    let active = true
    // A failed sign-in usually lands in the state (signedOut with `error`: errorFallback). One that
    // leaves the state as it was would leave the fallback up for good: it stops here.
    signIn.catch(() => active && setStoppedAt(state))
    return () => {
      active = false
    }
  }, [client, state])

  if (state.status === 'signedIn') return children
  if (failed || stoppedAt === state) {
    return errorFallback !== undefined ? errorFallback : <ErrorView error={state.status === 'signedOut' ? state.error : undefined} onRetry={signIn} />
  }
  if (state.status === 'signedOut' && state.reason === 'signed_out') {
    return signedOutFallback !== undefined ? signedOutFallback : <SignedOutView onSignIn={signIn} />
  }
  return fallback
}

/** An AuthError shows in the state already; anything else is a mistake to tell the developer. */
const report = (error: unknown) => {
  if (!(error instanceof AuthError)) console.error(error)
}
