import type { AuthError } from './authError'
import { toAuthError } from './authError'
import type { AuthEvents } from './authEvents'
import type { AuthEvent, AuthState } from './authState'
import { reduce } from './authState'

type Listener = [type: string, listener: (event?: any) => void]

/**
 * The client's state and who listens to it, in the shape of zustand's vanilla store: one immutable
 * snapshot, replaced only through `reduce`, and listeners told only of a real change; beside it,
 * the client's events ({@link AuthEvents}), which share the listener set.
 */
export function createStore() {
  let state: AuthState = { status: 'loading' }
  const listeners = new Set<Listener>()

  const emit = <K extends keyof AuthEvents>(type: K | 'change', event?: AuthEvents[K]) => {
    for (const [name, listener] of [...listeners]) {
      if (name === type) {
        try {
          listener(event)
        } catch (error) {
          // An app's listener must not break the client, nor go unnoticed.
          (globalThis.reportError ?? console.error)(error)
        }
      }
    }
  }

  const dispatch = (event: AuthEvent) => {
    const next = reduce(state, event)
    if (next !== state) {
      state = next
      emit('change')
    }
  }
  /** Shows a failure in the state and tells the `error` listeners: the failure the caller gets. */
  const report = (error: AuthError) => {
    dispatch({ type: 'failed', error })
    emit('error', { error, willRetry: false })
  }

  return {
    getState: () => state,
    dispatch,
    emit,
    report,
    /** Adds a listener of `type` (`'change'` or an event's name); returns the function that removes it. */
    listen(type: string, listener: Listener[1]) {
      const entry: Listener = [type, listener]
      listeners.add(entry)
      return () => void listeners.delete(entry)
    },
    listening: () => listeners.size > 0,
    clear: () => listeners.clear(),
    /**
     * Shows a failure in the state, tells the `error` listeners, and rejects with it. A mere "not signed
     * in" is no news: it changes neither, so asking for a token while signed out leaves the state as it is.
     */
    fail(cause: unknown): never {
      const error = toAuthError(cause)
      if (error.code !== 'login_required') report(error)
      throw error
    },
  }
}

export type Store = ReturnType<typeof createStore>
