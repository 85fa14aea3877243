import { AuthError } from './authError'
import type { AuthEvents } from './authEvents'
import type { AuthEvent, SignOutReason } from './authState'
import { createClientStorage } from './clientStorage'
import { createGeneration } from './generation'
import type { ClientParts } from './internals'
import { hook } from './plugins'
import { createRenewal } from './renewal'
import { createSerialQueue } from './serialQueue'
import type { Session } from './session'
import { isSession } from './session'
import type { TabChannel, TabMessage } from './tabChannel'
import { createTabChannel } from './tabChannel'
import { readRecord } from './storage'
import { withTabLock } from './tabLock'
import { createWriteGate } from './writeGate'

export type Source = AuthEvents['tokenRefreshed']['source']

/**
 * The session in hand and where it lives: restored from storage once, written under the lock every
 * tab's refresh, sign-in and sign-out takes, told to the other tabs and followed from them. Its rules
 * (see `writeGate.ts`, `serialQueue.ts`, `generation.ts`, `renewal.ts`): a session is stored before
 * it is shown; a write that a sign-out overtook is taken back; this tab's own change writes last;
 * other tabs' messages are read one at a time, from storage, which has the last word.
 */
export function createSessionStore(
  { name, prefix, config: { storage: option, retry, plugins }, store, expiry }: ClientParts,
  /** Called after every change of the session in hand (to schedule its renewal). */
  changed: () => void,
  /** True on a page carrying an authorization response: there `handleRedirect` settles the state. */
  onCallbackPage: () => boolean,
) {
  const key = prefix + 'session'
  // Add-ons' hooks: the session's end here (DPoP: its key goes), the one found at page load before it is shown.
  const onEnd = hook(plugins, 'ended')
  const restored = hook(plugins, 'restored')
  // Memory until the client starts in a browser: then the configured storage.
  let storage = createClientStorage('memory')
  let session: Session | undefined
  let ready: Promise<unknown> | undefined
  let browser = false
  let disposed = false
  let channel: TabChannel | undefined
  const endings = createGeneration()
  // Counts this tab's `signOut()` calls, a session in hand or not: a sign-in one overtook is dropped.
  const signOuts = createGeneration()
  const renewal = createRenewal()
  // Resolved by the first `apply`: the state has left `loading` (on a callback page, once `handleRedirect` settled it).
  let settle: () => void, settled = new Promise<void>((resolve) => (settle = resolve))
  const inbox = createSerialQueue()
  // What the other tabs said during a change here went unread: storage says where things stand now.
  const gate = createWriteGate(() => inbox(() => receive({ type: 'tokensUpdated' })))

  /** Reads a record written by this version; anything unreadable counts as absent. */
  const read = <T>(key: string, isValid: (record: T) => unknown) => readRecord(storage, key, isValid).catch(() => undefined)
  // A record of an older version has no id: all of them count as one session, in every tab.
  const readSession = () => read<Session>(key, isSession).then((s) => s && { id: '', ...s })

  /** The channel to the other tabs, opened on first need. */
  const tabs = () => {
    if (browser && !disposed && !channel) {
      channel = createTabChannel(name)
      // One message at a time, in order.
      channel.subscribe((message) => inbox(() => receive(message)))
    }
    return channel
  }

  /**
   * Another tab changed the session. A sign-out ends here the session it names, whatever storage holds
   * meanwhile (a sign-in since stays); anything else is followed from storage. No request, nothing posted back.
   */
  const receive = async ({ type, reason, id }: TabMessage) => {
    // After the restore, and on a callback page after `handleRedirect`: till then the state says nothing.
    await settled
    // Where records live in this page's memory, each tab has its own session: a sign-out ends all of them.
    const local = option === 'memory' || !!storage.failure
    const end = () => apply(undefined, { type: 'signedOut', reason: reason === 'session_expired' ? reason : 'signed_out' })
    if (type === 'signedOut' && session && (local || id === undefined || id === session.id)) {
      end()
      // There this tab's own copy is left to delete; a shared one is the signing-out tab's to delete.
      if (local) await storage.del(key)
      return
    }
    const ticket = gate.ticket()
    const stored = gate.busy ? undefined : await readSession()
    // A sign-in or sign-out of this tab began (or ended) meanwhile: it writes last, then looks again.
    if (!gate.admit(ticket)) return
    // Nothing stored: the session in hand was replaced by another tab's sign-in, which has ended since.
    if (!stored) {
      if (session && !local) end()
    } else if (type !== 'signedOut' && (stored.accessToken !== session?.accessToken || stored.refreshToken !== session.refreshToken)) {
      adopt(stored, type === 'tokensUpdated' ? 'otherTab' : undefined)
    }
  }

  /** Changes the session in this tab: memory, state, events and timer (no storage, no other tab). */
  const apply = (next: Session | undefined, event: AuthEvent, source?: Source) => {
    const previous = session
    const before = store.getState()
    if (previous && !next) endings.next()
    // A sign-out (here or elsewhere) or another sign-in frees the lock at once: its refresh is moot.
    renewal.follow(next?.id)
    session = next
    store.dispatch(event)
    settle()
    changed()
    if (store.getState() === before) return
    if (next) {
      // The same sign-in renewed, or another one (found in storage, or made here).
      if (previous && source && previous.id === next.id) store.emit('tokenRefreshed', { expiresAt: next.expiresAt, source })
      else store.emit('signedIn', {})
    } else if (event.type === 'signedOut' && event.reason) {
      store.emit('signedOut', { reason: event.reason })
    }
  }
  const adopt = (next: Session, source?: Source) =>
    apply(next, { type: 'signedIn', user: next.user, scope: next.scope, expiresAt: next.expiresAt }, source)

  /**
   * A change made here, under the lock: a new session stored then applied, an ended one applied then
   * deleted; then told to the other tabs (which read storage).
   */
  const save = async (next: Session | undefined, message: TabMessage, source?: Source, error?: AuthError, ended?: Session) => {
    if (next) {
      // Stored before it is shown or used: a page reloaded (or closed) once the state says signed in
      // keeps the session, and no other tab is left holding a refresh token this one has spent.
      const generation = endings.current()
      await storage.set(key, next)
      // A refresh signed out here while it was being written: take the write back and tell nobody,
      // rather than bring the session back to every tab and the next page load. A sign-in stands.
      if (message.type != 'signedIn' && endings.movedSince(generation)) {
        await storage.del(key)
        throw new AuthError('login_required')
      }
      adopt(next, source)
    } else {
      apply(undefined, { type: 'signedOut', reason: message.reason as SignOutReason, error })
      await storage.del(key)
      await onEnd?.()
    }
    tabs()?.post({ ...message, id: (next ?? ended)?.id })
  }
  const signedOut = (reason: SignOutReason, ended: Session | undefined, error?: AuthError) =>
    save(undefined, { type: 'signedOut', reason }, undefined, error, ended)

  /**
   * Stores a refresh's result in place of `previous`, unless the session moved meanwhile (a
   * compare-and-set): signed out or in again here, the session now in hand is the answer (or
   * `login_required`); changed in storage by a tab that could not get the lock in time, what is stored.
   * The tokens for other APIs (resources add-on) stored with the session stay: a refresh of the
   * session leaves them valid, and storage may hold one this tab never read (another tab got it).
   */
  const replace = async (previous: Session, next: Session, source: Source) => {
    const stored = await readSession()
    if (session !== previous) {
      if (session) return session
      throw new AuthError('login_required')
    }
    if (stored?.accessToken !== previous.accessToken) {
      if (!stored) throw new AuthError('login_required')
      adopt(stored, 'otherTab')
      return stored
    }
    next = { ...next, resources: { ...stored.resources, ...next.resources } }
    await save(next, { type: 'tokensUpdated' }, source)
    return next
  }

  /** Runs `fn` under the lock that every tab's refresh, sign-in and sign-out of this client takes. */
  const locked = <T>(fn: () => Promise<T>) => withTabLock(name, fn, {
    timeoutMs: retry.timeoutMs ?? 10_000,
    // Where Web Locks are missing: an add-on's lock (`leaseLock`), else none.
    fallback: hook(plugins, 'lock'),
    storage: storage.lease,
  })

  /**
   * Runs a sign-in's or sign-out's change of the stored session under the lock, so that it never lands
   * between another tab's refresh reading storage and writing it back: it comes after, and so last.
   * Meanwhile this tab follows no other tab. A lock not granted in time does not stop the change.
   */
  const exclusively = <T>(fn: () => Promise<T>) =>
    gate.run(() => {
      let ran = false
      return locked(() => ((ran = true), fn())).catch((error) => {
        if (ran) throw error
        return fn()
      })
    })

  const restore = async () => {
    if (typeof window === 'undefined') return
    browser = true
    storage = createClientStorage(option, async (memory, error) => {
      // The session in hand stays: it goes on in memory.
      if (session) await memory.set(key, session)
      store.emit('storageFallback', { error })
    })
    // Read before any await: `handleRedirect` takes the response out of the address bar at once.
    const callback = onCallbackPage()
    const stored = await readSession()
    const expired = stored?.accessToken
    // An add-on may end it first (DPoP: its key is gone). On a callback page it is not even in hand (a refresh
    // refused would end it, and the new sign-in's DPoP key) and the state stays `loading` until `handleRedirect`
    // settles it (the new session, or failed, the stored one, else `callback_failed`): no signed-out flash.
    // A page the app left without handling its response (its router moved on first) is settled as any other.
    const held = callback && onCallbackPage()
    if (stored && (stored.refreshToken || expiry.fresh(stored, 0))) return (await restored?.(stored)) || held || adopt(stored)
    if (!held) apply(undefined, { type: 'signedOut', reason: stored && 'session_expired' })
    // Under the lock, and only if it is still there: another tab may have stored a sign-in meanwhile.
    if (expired) {
      await exclusively(async () => {
        if ((await readSession())?.accessToken === expired) await storage.del(key)
      })
    }
  }

  return {
    /** The session in hand. */
    current: () => session,
    get storage() {
      return storage
    },
    /** True once started in a browser: storage is the configured one and tabs can be told. */
    inBrowser: () => browser,
    /** Restores the session from storage, once, on first use; outside a browser there is nothing to restore. */
    start: () => (ready ??= restore()),
    read,
    readSession,
    tabs,
    apply,
    adopt,
    save,
    signedOut,
    replace,
    locked,
    exclusively,
    renewal,
    signOuts,
    dispose() {
      disposed = true
      channel?.close()
    },
  }
}

export type SessionStore = ReturnType<typeof createSessionStore>
