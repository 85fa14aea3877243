export { createAuthClient } from './authClient'
export type {
  AuthClient,
  GetAccessTokenOptions,
  RedirectResult,
  SignInOptions,
  SignOutOptions,
} from './types'
export { AuthError } from './authError'
export type { AuthErrorCode, AuthErrorOptions } from './authError'
export type { AuthEvents } from './authEvents'
export type { AuthState, Claims, SignOutReason } from './authState'
export type { AuthClientOptions } from './options'
export type { AuthPlugin } from './plugins'
export { idbStorage, memoryStorage } from './storage'
export type { AuthStorage } from './storage'
