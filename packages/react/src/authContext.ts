import { createContext } from 'react'
import type { AuthClient, AuthState } from '@pkce-auth/core'

/** Carries the provider's client; `undefined` outside an `<AuthProvider>`. Internal. */
export const AuthContext = createContext<AuthClient | undefined>(undefined)

// What the server renders and what hydration starts from: the session lives in the browser
// (IndexedDB), so the server can only say "loading". The hooks show it while a callback is handled
// as well. One constant, so React sees a stable snapshot.
const serverState: AuthState = { status: 'loading' }

/** `getServerSnapshot` for `useSyncExternalStore`. Internal. */
export const getServerState = (): AuthState => serverState
