import type { App, InjectionKey } from 'vue'
import { createAuthClient } from '@pkce-auth/core'
import type { AuthClient, AuthClientOptions, RedirectResult } from '@pkce-auth/core'
import { handleCallbackOnce, pathAfter } from './authSource'

/** The key the plugin provides its client under: `inject(authKey)`. */
export const authKey: InjectionKey<AuthClient> = Symbol('pkce-auth')

/** Options of {@link createAuth} beside the client's. */
export interface AuthPluginOptions {
  /**
   * Called once the redirect callback was handled, with where to go: the sign-in's `returnTo` (or a
   * string `appState.returnTo`) when it is a same-origin path, else `/`; `/` after a failed callback
   * (the state says `callback_failed`), so a reload does not land on the callback page again. `result`
   * carries `appState`. Default: `history.replaceState`. With vue-router: `(path) => router.replace(path)`.
   */
  navigate?: (path: string, result: RedirectResult | undefined) => void
}

/** The app plugin {@link createAuth} returns; `client` is the core client it provides. */
export interface AuthPlugin {
  readonly client: AuthClient
  install(app: App): void
}

/**
 * Creates the Vue plugin: `app.use(createAuth(...))` provides the client to `useAuth` and
 * `useAccessToken`, and handles the redirect callback (once per client) when the page is the client's
 * `redirectUri`; on the server it does neither touch a browser global nor start anything.
 *
 * Pass a client made with `createAuthClient`, or its options: the plugin then creates the client and
 * disposes it when the app unmounts.
 *
 * @example
 * const auth = createAuth({ issuer, clientId, redirectUri: `${location.origin}/callback` }, {
 *   navigate: (path) => router.replace(path),
 * })
 * router.beforeEach(requireAuth(auth))
 * createApp(App).use(auth).use(router).mount('#app')
 */
export function createAuth(client: AuthClient | AuthClientOptions, options: AuthPluginOptions = {}): AuthPlugin {
  const own = !('subscribe' in client)
  const auth = own ? createAuthClient(client) : client
  return {
    client: auth,
    install(app) {
      app.provide(authKey, auth)
      if (own) app.onUnmount(() => auth.dispose())
      const { navigate = (path) => history.replaceState(history.state, '', path) } = options
      const callback = handleCallbackOnce(auth)
      // The callback page, its response already out of the address bar.
      const page = callback && location.href
      callback?.then(
        (result) => navigate(pathAfter(result), result),
        // Off the callback page, unless the app has navigated meanwhile.
        () => location.href === page && navigate('/', undefined),
      )
    },
  }
}
