import type * as oauth from 'oauth4webapi'
import type { ClientParts } from './internals'
import type { Session } from './session'
import type { AuthStorage } from './storage'

/** A cross-tab lock for browsers without Web Locks: runs `fn` holding `name` in every tab of the origin. */
export type LockFallback = <T>(name: string, fn: () => Promise<T>, options: { timeoutMs: number; storage?: AuthStorage }) => Promise<T>

/**
 * What an add-on (`leaseLock()`, `dpop()`, ...) gives the client it is passed to in `plugins`. The
 * hooks are internal API, called at fixed points: not documented for third parties, free to change.
 */
export interface AuthPlugin {
  /** The add-on's name, for messages. */
  readonly name: string
  /** The refresh lock where the browser has no Web Locks (`leaseLock`). */
  lock?: LockFallback
  /**
   * Sends a protected-resource request (`auth.fetch`, `getAuthorizationHeaders`, a `forResource` handle)
   * with `token`: `send` with the headers it needs (default `Authorization: Bearer`), resolving to the
   * response, which it may send once more for (a DPoP nonce asked for).
   */
  request?: (token: string, target: { method: string; url: string }, send: (headers: Record<string, string>) => Promise<Response>) => Promise<Response>
  /**
   * Called once by `createAuthClient`, before any other hook, with the client's parts (`internals.ts`):
   * the prefix of its records, its sessions (`locked`: the cross-tab lock every refresh, sign-in and
   * sign-out takes), the server's metadata and the options.
   */
  setup?: (parts: ClientParts) => void
  /** Parameters the authorization request adds (DPoP: `dpop_jkt`). */
  authorize?: () => Promise<Record<string, unknown>>
  /**
   * Wraps each request to the authorization server that proves possession (code exchange, refresh,
   * userinfo) from sending to validation: `send` with the options it adds (`{ DPoP }`); may send it once
   * more, and check the result.
   */
  prove?: <T>(send: (options: { DPoP?: oauth.DPoPHandle }) => Promise<T>) => Promise<T>
  /**
   * The session found in storage at page load, before it is shown: resolves `true` once the add-on
   * ended it (DPoP: its key is gone), else `false` and it is restored.
   */
  restored?: (session: Session) => Promise<boolean>
  /** The session ended in this tab (sign-out, expiry): before `signOut` resolves. */
  ended?: () => Promise<void>
}

/** The first hook of `name` among the plugins, if any. */
export const hook = <K extends keyof AuthPlugin>(plugins: readonly AuthPlugin[], name: K) =>
  plugins.find((plugin) => plugin[name])?.[name]
