// The public surface of @pkce-auth/svelte: a reviewed list. The core's public names are re-exported
// so apps import from one place; the core still works on its own.
export { createAuth } from './createAuth'
export type { CreateAuthOptions, SvelteAuth } from './createAuth'

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
