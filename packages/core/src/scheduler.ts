import type { ClientParts } from './internals'
import { watchWake } from './lifecycle'
import { isOffline } from './retryFetch'

/**
 * Renews the session ahead of expiry while the client runs in the background: a timer, which is only
 * a hint, and a re-check whenever the page wakes (visible, focus, online, after sleep).
 */
export function createScheduler({ expiry: { fresh, margin, now }, sessions: { current } }: ClientParts, renew: () => Promise<unknown>) {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopWake: (() => void) | undefined

  const check = () => {
    if (current() && !fresh(current()) && !isOffline()) {
      // A refresh that failed for now is tried again later (the requests themselves were retried already),
      // by one timer however many checks shared that refresh, so that `dispose` can clear it.
      renew().catch(() => {
        // Unless a new session came meanwhile (and has its own timer).
        if (stopWake && !fresh(current())) {
          clearTimeout(timer)
          timer = setTimeout(check, 30_000)
        }
      })
    }
  }

  /** Sets the timer for the session in hand (after every change of it). */
  const schedule = () => {
    clearTimeout(timer)
    const session = current()
    if (session && stopWake) {
      // Jitter, so that tabs holding the same session do not all wake at once.
      const ms = margin(session)
      const jitter = Math.random() * Math.min(ms / 10, 5000)
      // At least a second apart: a server issuing tokens that expire at once is not asked in a loop.
      timer = setTimeout(check, Math.min(Math.max(session.expiresAt - now() - ms + jitter, 1000), 2 ** 31 - 1))
    }
  }

  return {
    schedule,
    /** Starts or stops the background work. */
    run(active: boolean) {
      if (active && !stopWake) {
        stopWake = watchWake(check, { now })
      } else if (!active && stopWake) {
        stopWake()
        stopWake = undefined
      }
      schedule()
    },
  }
}
