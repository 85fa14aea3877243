import { useContext } from 'react'
import type { AuthClient } from '@pkce-auth/core'
import { AuthContext } from './authContext'

/**
 * Returns the client the nearest `<AuthProvider>` provides, for calling the core directly.
 *
 * @throws {Error} When called outside an `<AuthProvider>`.
 * @example
 * const auth = useAuthClient()
 * const onClick = () => auth.signIn({ appState: { returnTo: '/settings' } })
 */
export function useAuthClient(): AuthClient {
  const client = useContext(AuthContext)
  if (!client) {
    throw new Error('useAuth must be used inside <AuthProvider>: wrap your app in <AuthProvider client={auth}> from @pkce-auth/react')
  }
  return client
}
