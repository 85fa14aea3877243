import { AuthError } from './authError'

/**
 * The refresh on the wire and the session it renews, with an `AbortSignal` for that request. When
 * another session (or none) comes into hand, `follow` aborts it with `login_required`.
 *
 * Prevents: a sign-out, here or in another tab, waiting for a slow refresh of the session it ends (the
 * lock is freed at once, so storage is cleared at once), and that refresh then landing over a newer
 * sign-in. Proved by races.test.ts, "a refresh made moot is stopped in another tab when this one signs
 * out, so the sign-out does not wait for it"; the rule alone by concurrencyRules.test.ts.
 */
export function createRenewal() {
  let current: { id: string | undefined; controller: AbortController } | undefined
  return {
    /** Starts the renewal of the session `id`; the request is sent with the signal returned. */
    begin(id: string | undefined) {
      current = { id, controller: new AbortController() }
      return current.controller.signal
    },
    /** The session in hand is now `id`: a renewal of another one is moot. */
    follow(id: string | undefined) {
      if (current && id !== current.id) current.controller.abort(new AuthError('login_required'))
    },
    end: () => void (current = undefined),
  }
}
