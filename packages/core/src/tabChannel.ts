/**
 * What one tab tells the others. It carries no token: a receiver re-reads the session from storage,
 * so nothing secret crosses the channel and a forged message can at worst cause a storage read.
 */
export interface TabMessage {
  type: 'signedIn' | 'tokensUpdated' | 'signedOut'
  /** Why a tab signed out, e.g. `'signed_out'` or `'session_expired'`. */
  reason?: string
  /** The id of the session concerned (not a secret: it names a sign-in, it grants nothing). */
  id?: string
}

/** A channel to the other tabs of this origin; see {@link createTabChannel}. */
export interface TabChannel {
  /** Sends to every other tab (never to this one); once closed, on a channel opened for the message. */
  post(message: TabMessage): void
  /** Calls `listener` for each well-formed message from another tab; returns the unsubscribe function. */
  subscribe(listener: (message: TabMessage) => void): () => void
  /** Stops sending and receiving. */
  close(): void
}

const types = ['signedIn', 'tokensUpdated', 'signedOut']

/**
 * Opens a `BroadcastChannel` named `name` (one per issuer and client) for the session events of
 * this origin's tabs. Where `BroadcastChannel` is missing, the channel silently does nothing: each
 * tab then still works on its own and catches up from storage on its next read.
 *
 * @example
 * const channel = createTabChannel(`pkce-auth:${issuer}:${clientId}`)
 * const stop = channel.subscribe(({ type }) => reloadSessionFromStorage(type))
 * channel.post({ type: 'signedOut', reason: 'signed_out' })
 */
export function createTabChannel(name: string): TabChannel {
  // Gone once closed: a closed BroadcastChannel throws on `postMessage`.
  const available = typeof BroadcastChannel == 'function'
  let channel = available ? new BroadcastChannel(name) : undefined
  const listeners = new Set<(message: TabMessage) => void>()
  if (channel) {
    channel.onmessage = ({ data }: MessageEvent) => {
      // Same-origin code may share the name: pass on only what this module sends, copied, no more.
      if (types.includes(data?.type)) {
        const message: TabMessage = { type: data.type }
        for (const field of ['reason', 'id'] as const) if (typeof data[field] == 'string') message[field] = data[field]
        listeners.forEach((listener) => listener(message))
      }
    }
  }
  return {
    // Only the known fields go out, so a careless caller cannot broadcast a token. Closed (the client disposed),
    // a change still under way (a callback, a sign-out) is told all the same: the other tabs follow storage.
    post({ type, reason, id }) {
      const to = channel ?? (available ? new BroadcastChannel(name) : undefined)
      to?.postMessage({ type, reason, id })
      if (to !== channel) to!.close()
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close: () => {
      listeners.clear()
      channel?.close()
      channel = undefined
    },
  }
}
