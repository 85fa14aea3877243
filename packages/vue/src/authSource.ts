import type { AuthClient, AuthState, RedirectResult } from '@pkce-auth/core'

// What the server renders: the session lives in the browser (IndexedDB), so the server can only say
// "loading". One constant, so watchers see no change.
const loading: AuthState = { status: 'loading' }
const inBrowser = () => typeof window !== 'undefined'

// One callback per client, however many apps install it: a code can be redeemed only once. While it
// is under way the core's own state stays `loading` (DESIGN: no binding keeps a flag of its own).
const started = new WeakSet<AuthClient>()

/**
 * Starts the handling of the page's callback, in a browser on the redirect URI, once per client:
 * the caller that started it gets the promise, any later one `undefined`. Internal.
 */
export function handleCallbackOnce(client: AuthClient): Promise<RedirectResult> | undefined {
  if (!inBrowser() || started.has(client) || !client.isRedirectCallback()) return
  started.add(client)
  const promise = client.handleRedirect()
  // The core records a failed callback in its state; this keeps the rejection from being unhandled.
  promise.catch(() => {})
  return promise
}

/** The client's state snapshot: `loading` on the server. Internal. */
export const readState = (client: AuthClient): AuthState => (inBrowser() ? client.getState() : loading)

/** Calls `listener` on every change of {@link readState}; returns the unsubscribe. Not on the server. Internal. */
export const subscribeState = (client: AuthClient, listener: () => void): (() => void) => client.subscribe(listener)

/** Resolves with the first state that is not `loading`. Internal. */
export function settledState(client: AuthClient): Promise<AuthState> {
  return new Promise((resolve) => {
    const check = () => {
      const state = readState(client)
      if (state.status === 'loading') return
      stop()
      resolve(state)
    }
    const stop = subscribeState(client, check)
    check()
  })
}

/**
 * Where the app goes after the callback: `returnTo` (or a string `appState.returnTo`) when it is a
 * same-origin path, else `/`; `/` after a failure too, so a reload does not land on the callback page.
 * appState is the app's own value, unchecked by the core: the URL parser decides, as the browser will
 * (`//x`, `/\x` name another host). Internal.
 */
export function pathAfter(result: RedirectResult | undefined): string {
  const returnTo = result?.returnTo ?? (result?.appState as { returnTo?: unknown } | undefined)?.returnTo
  const sameOrigin = typeof returnTo === 'string' && returnTo[0] === '/' && new URL(returnTo, location.origin).origin === location.origin
  return sameOrigin ? returnTo : '/'
}
