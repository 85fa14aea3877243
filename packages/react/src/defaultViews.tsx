import type { AuthError } from '@pkce-auth/core'

/**
 * `RequireAuth`'s default `errorFallback`: what went wrong in one sentence, announced (`role="alert"`),
 * and a button to try again. Plain markup without styles, for an app to replace. Internal.
 */
export function ErrorView({ error, onRetry }: { error: AuthError | undefined; onRetry: () => void }) {
  return (
    <div role="alert">
      <p>{error?.message ?? 'Signing in stopped: it was tried several times within a minute, or could not start.'}</p>
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  )
}

/** `RequireAuth`'s default `signedOutFallback`: says so, and offers to sign in. Internal. */
export function SignedOutView({ onSignIn }: { onSignIn: () => void }) {
  return (
    <div>
      <p>You are signed out.</p>
      <button type="button" onClick={onSignIn}>
        Sign in
      </button>
    </div>
  )
}
