import type { AuthError } from './authError'

/**
 * Claims about the signed-in user: the ID token's claims (validated by oauth4webapi) when the server
 * issued one, else the access token's payload when it is a JWT. Those are decoded without checking
 * the signature and carry `unverified: true`: fine for display, never for authorization decisions.
 */
export interface Claims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  iat?: number
  name?: string
  email?: string
  /** Present (and `true`) only on claims decoded from an access token without verification. */
  unverified?: true
  [claim: string]: unknown
}

/** Why the client is signed out: `signOut()`, a session the server ended, or a failed callback. */
export type SignOutReason = 'signed_out' | 'session_expired' | 'callback_failed'

/**
 * The client's state, as `getState()` returns it: an immutable snapshot, replaced whole on change.
 * `error` beside `signedIn` is the last transient failure (a refresh that may succeed later); it
 * never means the user is signed out.
 */
export type AuthState =
  | { status: 'loading' }
  | { status: 'signedOut'; reason?: SignOutReason; error?: AuthError }
  | { status: 'signedIn'; user: Claims | undefined; scope: string | undefined; expiresAt: number; error?: AuthError }

/** The part of a session that the state shows (never the tokens). */
export interface SessionSummary {
  user: Claims | undefined
  scope: string | undefined
  /** Epoch milliseconds, on the local clock, when the access token expires. */
  expiresAt: number
}

/** Everything that can happen to the state; `reduce` is the only place that applies it. */
export type AuthEvent =
  | ({ type: 'signedIn' } & SessionSummary)
  | { type: 'signedOut'; reason?: SignOutReason; error?: AuthError }
  | { type: 'failed'; error: AuthError }

/**
 * Applies an event to a state. Pure; returns `state` itself when nothing changed, so the snapshot's
 * identity changes only on a real change. A failure like the one shown (same code) is no change: a
 * refresh failing again and again (offline, a server down) does not notify the listeners each time.
 */
export function reduce(state: AuthState, event: AuthEvent): AuthState {
  const { type, ...fields } = event
  const next = (
    type !== 'failed' ? { status: type, ...fields }
    // A failure while loading has nobody to show it to yet; the action that failed still rejects.
    : state.status === 'loading' ? state
    // A failure keeps the user signed in (or out), with the error beside.
    : { ...state, ...fields }
  ) as AuthState
  const same = (key: string) => {
    const a = next[key as keyof AuthState] as { code?: string } | undefined
    const b = state[key as keyof AuthState] as typeof a
    return a === b || (key == 'error' && a?.code === b?.code)
  }
  return Object.keys({ ...state, ...next }).every(same) ? state : next
}
