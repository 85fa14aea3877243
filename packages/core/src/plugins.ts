import type * as oauth from 'oauth4webapi'
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
  /** The headers a protected-resource request sends with `token` (default `Authorization: Bearer`). */
  headers?: (token: string, request: { method: string; url: string }) => Promise<Record<string, string>>
  /**
   * Called once by `createAuthClient`, before any other hook, with the prefix of the client's records,
   * its cross-tab lock (`locked`: every refresh, sign-in and sign-out takes it), the server's metadata
   * and the client's options. Positional, to keep the core small.
   */
  setup?: (
    prefix: string,
    sessions: { locked: <T>(fn: () => Promise<T>) => Promise<T> },
    server: () => Promise<oauth.AuthorizationServer>,
    options: { storage?: unknown },
  ) => void
  /** Parameters the authorization request adds (DPoP: `dpop_jkt`). */
  authorize?: () => Promise<Record<string, unknown>>
  /**
   * Wraps each token-endpoint request (code exchange, refresh, revocation) from sending to
   * validation: `send` with the options it adds (a DPoP handle); may send it once more, and check the result.
   */
  tokens?: <T>(send: (options: { headers?: Headers }) => Promise<T>, url: string) => Promise<T>
  /** Whether `auth.fetch` sends a request once more after this response (a DPoP nonce asked for). */
  retry?: (response: Response, request: { url: string }) => boolean
  /** The session ended in this tab (sign-out, expiry): before `signOut` resolves. */
  ended?: () => Promise<void>
}

/** The first hook of `name` among the plugins, if any. */
export const hook = <K extends keyof AuthPlugin>(plugins: readonly AuthPlugin[], name: K) =>
  plugins.find((plugin) => plugin[name])?.[name]
