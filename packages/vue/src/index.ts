// The public surface of @pkce-auth/vue: a reviewed list. The core's public names are re-exported
// so apps import from one place; the core still works on its own.
export { authKey, createAuth } from './createAuth'
export type { AuthPlugin, AuthPluginOptions } from './createAuth'
export { useAuth, useAuthClient } from './useAuth'
export type { AuthActions, UseAuthResult } from './useAuth'
export { useAccessToken } from './useAccessToken'
export type { AccessTokenResult } from './useAccessToken'
export { requireAuth } from './requireAuth'
export type { RequireAuthOptions } from './requireAuth'

export { AuthError, createAuthClient, idbStorage, memoryStorage } from '@pkce-auth/core'
export type {
  AuthClient,
  AuthClientOptions,
  AuthErrorCode,
  AuthState,
  Claims,
  RedirectResult,
  SignInOptions,
  SignOutOptions,
} from '@pkce-auth/core'
