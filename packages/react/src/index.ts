// The public surface of @pkce-auth/react: a reviewed list. The core's public names are re-exported
// so apps import from one place; the core still works on its own.
export { AuthProvider } from './AuthProvider'
export type { AuthProviderProps } from './AuthProvider'
export { useAuthClient } from './useAuthClient'
export { useAuth } from './useAuth'
export type { AuthActions, UseAuthResult } from './useAuth'
export { useAccessToken } from './useAccessToken'
export type { AccessTokenResult } from './useAccessToken'
export { RequireAuth } from './RequireAuth'
export type { RequireAuthProps } from './RequireAuth'
export { withRequireAuth } from './withRequireAuth'

export { AuthError, createAuthClient, idbStorage, memoryStorage } from '@pkce-auth/core'
export type {
  AuthClient,
  AuthClientOptions,
  AuthErrorCode,
  AuthErrorOptions,
  AuthEvents,
  AuthState,
  AuthStorage,
  Claims,
  GetAccessTokenOptions,
  RedirectResult,
  SignInOptions,
  SignOutOptions,
  SignOutReason,
} from '@pkce-auth/core'
