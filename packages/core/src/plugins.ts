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
}

/** The first hook of `name` among the plugins, if any. */
export const hook = <K extends keyof AuthPlugin>(plugins: readonly AuthPlugin[], name: K) =>
  plugins.find((plugin) => plugin[name])?.[name]
