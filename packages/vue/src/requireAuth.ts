import type { NavigationGuardWithThis, RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import { AuthError } from '@pkce-auth/core'
import type { AuthClient, AuthState, SignInOptions } from '@pkce-auth/core'
import { settledState } from './authSource'
import type { AuthPlugin } from './createAuth'
import { allowSignInAttempt } from './signInAttempts'

declare module 'vue-router' {
  interface RouteMeta {
    /** Guarded by {@link requireAuth}: only signed-in users see the route. */
    requiresAuth?: boolean
  }
}

/** Options of {@link requireAuth}. */
export interface RequireAuthOptions {
  /**
   * Where to go instead of signing in: after the user signed out (`reason: 'signed_out'`, in this tab
   * or another), when the state carries an error (a failed callback or sign-in: read it with
   * `useAuth().state.value.error`), when the sign-in was refused, or after 3 automatic sign-ins within
   * a minute. A route without `requiresAuth`. Default: `/`.
   */
  fallback?: RouteLocationRaw
  /** Passed to `signIn`. Default `returnTo`: the route's full path, so `navigate` comes back here. */
  signInOptions?: SignInOptions
}

// Errors that only say "sign in again" (an ended session); any other error on a signed-out state
// means signing in failed, and trying again at once would fail the same way.
const isFailed = (state: AuthState) =>
  state.status === 'signedOut' &&
  (state.reason === 'callback_failed' || (!!state.error && !/^(invalid_grant|login_required)$/.test(state.error.code)))

// The automatic sign-in under way per client: one at a time, however many navigations ask.
const signIns = new WeakMap<AuthClient, Promise<void>>()

/**
 * A vue-router guard for `router.beforeEach`: routes with `meta: { requiresAuth: true }` are seen by
 * signed-in users only. It waits while the session is restored or the callback handled, lets a
 * signed-in user through, and starts `signIn` (cancelling the navigation) on a first visit or an
 * expired session. It never loops: after the user signed out, on an error, on a refused sign-in or
 * after 3 automatic sign-ins within a minute (per tab) it goes to `fallback` instead. On the server it
 * lets the navigation through: the page renders `loading`, and the browser's guard decides.
 *
 * @example
 * router.beforeEach(requireAuth(auth, { fallback: '/signed-out' }))
 */
export function requireAuth(auth: AuthPlugin | AuthClient, options: RequireAuthOptions = {}): NavigationGuardWithThis<undefined> {
  const client = 'install' in auth ? auth.client : auth
  const { fallback = '/', signInOptions } = options
  return async (to: RouteLocationNormalized) => {
    if (!to.meta.requiresAuth || typeof window === 'undefined') return true
    const state = await settledState(client)
    if (state.status === 'signedIn') return true
    if (state.status === 'signedOut' && state.reason === 'signed_out') return fallback
    if (isFailed(state)) return fallback
    let signIn = signIns.get(client)
    if (!signIn) {
      if (!allowSignInAttempt()) return fallback
      const started = (signIn = client.signIn({ returnTo: to.fullPath.replace(/^\/+/, '/'), ...signInOptions }))
      signIns.set(client, started)
      const forget = () => signIns.get(client) === started && signIns.delete(client)
      started.then(forget, forget)
    }
    // The page is leaving for the authorization server; a sign-in that failed to start goes to fallback.
    return signIn.then(
      () => false,
      (error: unknown) => {
        // An AuthError shows in the state already; anything else is a mistake to tell the developer.
        if (!(error instanceof AuthError)) console.error(error)
        return fallback
      },
    )
  }
}
