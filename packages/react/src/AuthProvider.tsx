import { useEffect, useRef, useState } from 'react'
import type { ReactNode } from 'react'
import { createAuthClient } from '@pkce-auth/core'
import type { AuthClient, AuthClientOptions, RedirectResult } from '@pkce-auth/core'
import { AuthContext } from './authContext'
import { claimRedirect, handleRedirectOnce } from './redirectCallback'

/** Props of {@link AuthProvider}: a `client`, or the options to create one. */
export type AuthProviderProps = {
  children?: ReactNode
  /**
   * Called once after the provider handled the redirect callback successfully, with the `appState`
   * given to `signIn` and the whole result (`returnTo` included); navigate with your router there.
   * The function of the latest render is called. Without it the provider restores `returnTo` (or a
   * string `appState.returnTo`) with `history.replaceState`. A failed callback does not call it:
   * the state says `callback_failed` (with the error), and the provider replaces the address (still
   * the callback page) with `/`, so a reload does not land on the callback page again.
   */
  onRedirect?: (appState: unknown, result: RedirectResult) => void
} & ({ client: AuthClient } | (AuthClientOptions & { client?: undefined }))

// The providers holding each client they created, and the clients they disposed.
const holders = new WeakMap<AuthClient, number>()
const disposed = new WeakSet<AuthClient>()

/**
 * Holds a client a provider created; returns the release. The last release disposes it, unless it
 * is held again meanwhile: StrictMode unmounts and remounts at once, within the same task.
 */
function hold(client: AuthClient): () => void {
  holders.set(client, (holders.get(client) ?? 0) + 1)
  return () => {
    holders.set(client, holders.get(client)! - 1)
    queueMicrotask(() => {
      if (holders.get(client) || disposed.has(client)) return
      disposed.add(client)
      client.dispose()
    })
  }
}

/**
 * Puts an auth client in context for {@link useAuth} and friends, and handles the redirect
 * callback when the page is the client's `redirectUri`.
 *
 * Pass a `client` you created with `createAuthClient`, or the client's options (`issuer`,
 * `clientId`, `redirectUri`, `scope`, ...): the provider then creates the client on its first
 * render and disposes it on unmount. Later changes to those options are ignored. A provider shown
 * again after its effects were cleaned up (an `<Activity>` that hid it) creates a new client from
 * the same options, which takes over once it has restored the session from storage, so the
 * children never see `loading` in between. With `storage: 'memory'` the session lives in the
 * client and does not carry over: pass a `client` to keep it.
 *
 * @example
 * const auth = createAuthClient({ issuer, clientId, redirectUri: `${location.origin}/callback` })
 *
 * createRoot(el).render(
 *   <AuthProvider client={auth} onRedirect={(appState, { returnTo }) => navigate(returnTo ?? '/')}>
 *     <App />
 *   </AuthProvider>,
 * )
 */
export function AuthProvider({ children, onRedirect, client, ...options }: AuthProviderProps) {
  const [initial] = useState(options as AuthClientOptions)
  const [own, setOwn] = useState(() => (client ? undefined : createAuthClient(initial)))
  const current = (client ?? own) as AuthClient
  // The client made to replace a disposed one, kept for StrictMode's second run of the effect.
  const spare = useRef<AuthClient>(undefined)
  // The callback's result arrives after commits (a request away): it calls the latest render's function.
  // (An effect, not a layout effect: React 18 warns about those in server rendering.)
  const latestOnRedirect = useRef(onRedirect)
  useEffect(() => {
    latestOnRedirect.current = onRedirect
  })

  useEffect(() => {
    if (!own) return
    if (!disposed.has(own)) return hold(own)
    // Shown again after its client was disposed: the old one keeps answering (from memory) until
    // the new one has restored the session, then the children move from one settled state to the next.
    const next = spare.current && !disposed.has(spare.current) ? spare.current : createAuthClient(initial)
    spare.current = next
    const release = hold(next)
    const settled = () => next.getState().status !== 'loading'
    const unsubscribe = next.subscribe(() => settled() && setOwn(next))
    if (settled()) setOwn(next)
    return () => {
      unsubscribe()
      release()
    }
  }, [own])

  useEffect(() => {
    let active = true
    const callback = handleRedirectOnce(current)
    // The callback page, its response already out of the address bar.
    const page = location.href
    callback?.then((result) => {
      if (!active || !claimRedirect(current)) return
      const returnTo = result.returnTo ?? (result.appState as { returnTo?: unknown } | undefined)?.returnTo
      const onRedirect = latestOnRedirect.current
      if (onRedirect) onRedirect(result.appState, result)
      // appState is the app's own value, unchecked by the core: restore same-origin paths only.
      // The URL parser decides, as the browser will: `//x`, `/\x` and `/<tab>/x` name another host.
      else if (typeof returnTo === 'string' && returnTo[0] === '/' && new URL(returnTo, location.origin).origin === location.origin) {
        history.replaceState(history.state, '', returnTo)
      }
    }, () => {
      // Off the callback page, unless the app has navigated meanwhile. Where the sign-in began is not
      // known for every failure (an unknown state has no transaction): the app's root is.
      if (active && claimRedirect(current) && location.href === page) history.replaceState(history.state, '', '/')
    })
    return () => {
      active = false
    }
  }, [current])

  return <AuthContext.Provider value={current}>{children}</AuthContext.Provider>
}
