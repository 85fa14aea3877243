import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { telnyxErrorBody } from './errors'

/** Fixed-window request counting per client. */
export interface RateLimiter {
  /**
   * Counts a request by `key` (a client id). Sets the `x-ratelimit-*` headers on `c`, and resolves to a 429
   * response (Telnyx's `10011` body, `Retry-After`) when the window is used up; `undefined` otherwise.
   */
  limit(c: Context<AppEnv>, key: string): Response | undefined
  reset(): void
}

/** Windows kept at once, least recently used dropped first (keys are authenticated callers, so few in practice). */
export const maxRateLimitWindows = 10_000

/** Creates a limiter; `false` disables limiting (and its headers). */
export function createRateLimiter(options: { limit: number; windowSeconds: number } | false): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>()
  return {
    limit(c, key) {
      if (!options) return undefined
      const now = Date.now()
      const windowMs = options.windowSeconds * 1000
      let window = windows.get(key)
      windows.delete(key)
      if (!window || now - window.start >= windowMs) window = { start: now, count: 0 }
      // Re-inserted, so the Map's order is least recently used first.
      windows.set(key, window)
      if (windows.size > maxRateLimitWindows) windows.delete(windows.keys().next().value as string)
      const reset = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))
      c.header('x-ratelimit-limit', String(options.limit))
      c.header('x-ratelimit-reset', String(reset))
      if (window.count >= options.limit) {
        c.header('x-ratelimit-remaining', '0')
        c.header('Retry-After', String(reset))
        return c.json(
          telnyxErrorBody(429, `You have exceeded the maximum number of allowed requests (${options.limit} per ${options.windowSeconds} seconds).`),
          429,
        )
      }
      window.count += 1
      c.header('x-ratelimit-remaining', String(options.limit - window.count))
      return undefined
    },
    reset: () => windows.clear(),
  }
}
