import { createSubscriber } from 'svelte/reactivity'
import type { Readable } from 'svelte/store'
import { createAuthClient } from '@pkce-auth/core'
import type { AuthClient, AuthClientOptions, AuthState, RedirectResult } from '@pkce-auth/core'
import { handleCallbackOnce, pathAfter, readState, subscribeState } from './authSource'

/** Options of {@link createAuth} beside the client's. */
export interface CreateAuthOptions {
  /**
   * Called once the redirect callback was handled, with where to go: the sign-in's `returnTo` (or a
   * string `appState.returnTo`) when it is a same-origin path, else `/`; `/` after a failed callback
   * (the state says `callback_failed`), so a reload does not land on the callback page again. `result`
   * carries `appState`. Default: `history.replaceState`. In SvelteKit: `(path) => goto(path, { replaceState: true })`.
   */
  navigate?: (path: string, result: RedirectResult | undefined) => void
}

/**
 * The auth client for Svelte: a readable store of the client's state (`$auth`), the same state as
 * `auth.current` for runes (`$derived`, `$effect`, templates), and the client's own actions.
 */
export interface SvelteAuth extends Readable<AuthState>, Pick<AuthClient, 'signIn' | 'signOut' | 'getAccessToken' | 'fetch'> {
  /** The core client, for calling it directly. */
  readonly client: AuthClient
  /** The client's state snapshot, reactive where read inside an effect or a template. */
  readonly current: AuthState
}

/**
 * Creates the Svelte binding of an auth client, and handles the redirect callback (once per client)
 * when the page is the client's `redirectUri`. Pass a client made with `createAuthClient`, or its options.
 *
 * No state of its own: `$auth` and `auth.current` read the core's snapshot (the same object while
 * nothing changes); `subscribe` calls back at once, so the first value is there synchronously:
 * `loading` while the session is restored or the callback handled, then the outcome. A store
 * subscription or effect ending unsubscribes. On the server (SvelteKit) both read `loading`, touch no
 * browser global and subscribe to nothing, and no callback is handled.
 *
 * @example
 * // src/lib/auth.ts
 * export const auth = createAuth({ issuer, clientId, redirectUri: `${location.origin}/callback` })
 * // in a component: {#if $auth.status === 'signedIn'} … {/if}, or auth.current.status
 */
export function createAuth(client: AuthClient | AuthClientOptions, options: CreateAuthOptions = {}): SvelteAuth {
  const auth = 'subscribe' in client ? client : createAuthClient(client)
  const { navigate = (path) => history.replaceState(history.state, '', path) } = options
  const callback = handleCallbackOnce(auth)
  // The callback page, its response already out of the address bar.
  const page = callback && location.href
  callback?.then(
    (result) => navigate(pathAfter(result), result),
    // Off the callback page, unless the app has navigated meanwhile.
    () => location.href === page && navigate('/', undefined),
  )
  // A no-op on the server (svelte/reactivity's server build).
  const track = createSubscriber((update) => subscribeState(auth, update))
  return {
    client: auth,
    subscribe(run) {
      run(readState(auth))
      // The server renders once and never unsubscribes: it reads the snapshot and listens to nothing.
      return typeof window === 'undefined' ? () => {} : subscribeState(auth, () => run(readState(auth)))
    },
    get current() {
      track()
      return readState(auth)
    },
    signIn: auth.signIn,
    signOut: auth.signOut,
    getAccessToken: auth.getAccessToken,
    fetch: auth.fetch,
  }
}
