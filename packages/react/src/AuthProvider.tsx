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
   * Without it the provider restores `returnTo` (or a string `appState.returnTo`) with
   * `history.replaceState`. A failed callback does not call it: the state says `callback_failed`.
   */
  onRedirect?: (appState: unknown, result: RedirectResult) => void
} & ({ client: AuthClient } | (AuthClientOptions & { client?: undefined }))

/**
 * Puts an auth client in context for {@link useAuth} and friends, and handles the redirect
 * callback when the page is the client's `redirectUri`.
 *
 * Pass a `client` you created with `createAuthClient`, or the client's options (`issuer`,
 * `clientId`, `redirectUri`, `scope`, ...): the provider then creates the client once, on its
 * first render, and disposes it on unmount. Later changes to those options are ignored.
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
  const [own] = useState(() => (client ? undefined : createAuthClient(options as AuthClientOptions)))
  const current = (client ?? own) as AuthClient
  const mounts = useRef(0)

  useEffect(() => {
    if (!own) return
    mounts.current++
    return () => {
      // StrictMode unmounts and remounts synchronously: dispose only when no remount followed.
      mounts.current--
      queueMicrotask(() => mounts.current || own.dispose())
    }
  }, [own])

  useEffect(() => {
    let active = true
    handleRedirectOnce(current)?.then((result) => {
      if (!active || !claimRedirect(current)) return
      const returnTo = result.returnTo ?? (result.appState as { returnTo?: unknown } | undefined)?.returnTo
      if (onRedirect) onRedirect(result.appState, result)
      // appState is the app's own value, unchecked by the core: restore same-origin paths only.
      // The URL parser decides, as the browser will: `//x`, `/\x` and `/<tab>/x` name another host.
      else if (typeof returnTo === 'string' && returnTo[0] === '/' && new URL(returnTo, location.origin).origin === location.origin) {
        history.replaceState(history.state, '', returnTo)
      }
    }, () => {})
    return () => {
      active = false
    }
  }, [current])

  return <AuthContext.Provider value={current}>{children}</AuthContext.Provider>
}
