// Typechecked only (main.tsx does not import it): importing `@pkce-auth/core/global` types `window.PkceAuth`
// as the core's own exports.
import '@pkce-auth/core/global'
import { AuthError, createAuthClient } from '@pkce-auth/core'

export const sameFactory: typeof createAuthClient = window.PkceAuth.createAuthClient
export const sameError: typeof AuthError = PkceAuth.AuthError
