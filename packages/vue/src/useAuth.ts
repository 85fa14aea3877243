import { customRef, getCurrentScope, hasInjectionContext, inject, onScopeDispose } from 'vue'
import type { Ref } from 'vue'
import type { AuthClient, AuthState } from '@pkce-auth/core'
import { readState, subscribeState } from './authSource'
import { authKey } from './createAuth'

/** The client's actions as {@link useAuth} returns them: the client's own functions, stable. */
export type AuthActions = Pick<AuthClient, 'signIn' | 'signOut' | 'getAccessToken' | 'fetch'>

/** What {@link useAuth} returns: the state as a readonly ref (narrow on `state.value.status`), and the actions. */
export type UseAuthResult = AuthActions & { readonly state: Readonly<Ref<AuthState>> }

/**
 * Returns the client the plugin provides, for calling the core directly.
 *
 * @throws {Error} When called outside `setup()` (or an effect scope), or without `app.use(createAuth(...))`.
 */
export function useAuthClient(): AuthClient {
  if (!hasInjectionContext() || !getCurrentScope()) {
    throw new Error('useAuth must be called inside setup() (or a function setup calls before its first await) of a component')
  }
  const client = inject(authKey, undefined)
  if (!client) throw new Error('useAuth found no auth client: install the plugin with app.use(createAuth({ issuer, clientId, redirectUri })) from @pkce-auth/vue')
  return client
}

/**
 * Reads the auth state of the plugin's client: `state` is a readonly ref to the core's snapshot itself
 * (no copy; the same object while nothing changes), updated on every change, in this tab or another.
 * The value is there at once: `loading` while the session is restored, on the server, and while the
 * plugin handles the redirect callback. Unsubscribes when the component's scope is disposed.
 *
 * @throws {Error} When called outside `setup()`, or without the plugin.
 * @example
 * const { state, signIn, signOut } = useAuth()
 * // <button v-if="state.status === 'signedOut'" @click="signIn()">Sign in</button>
 */
export function useAuth(): UseAuthResult {
  const client = useAuthClient()
  const state = customRef<AuthState>((track, trigger) => {
    // The server renders once and never unmounts: it reads the snapshot and listens to nothing.
    if (typeof window !== 'undefined') onScopeDispose(subscribeState(client, trigger))
    return { get: () => (track(), readState(client)), set: () => {} }
  })
  const { signIn, signOut, getAccessToken, fetch } = client
  return { state, signIn, signOut, getAccessToken, fetch }
}
