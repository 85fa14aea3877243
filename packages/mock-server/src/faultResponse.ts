import type { MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './appEnv'
import { telnyxErrorBody, telnyxErrors } from './errors'
import type { TelnyxErrorStatus } from './errors'

/** Waits `ms` milliseconds (fake timers in tests control it too). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** The body an injected status gets unless the fault names one: the error shape that path really uses. */
function defaultBody(path: string, status: number): unknown {
  if (status < 400) return {}
  if (status !== 429 && /^\/v2\/oauth\/(token|introspect|revoke|register)$/.test(path)) {
    return {
      error: status >= 500 ? 'temporarily_unavailable' : 'invalid_request',
      error_description: `Injected fault (HTTP ${status})`,
    }
  }
  const known = status in telnyxErrors ? (status as TelnyxErrorStatus) : status >= 500 ? 503 : 400
  return telnyxErrorBody(known, `Injected fault (HTTP ${status})`)
}

/**
 * Applies the fault the outer handler took for this request: waits `delayMs`, then answers with the injected
 * status (before any handler runs, so no server state changes) or lets the request through.
 */
export function faultMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const fault = c.env?.fault
    if (!fault) return next()
    if (fault.delayMs) await sleep(fault.delayMs)
    if (fault.status === undefined) return next()
    for (const [name, value] of Object.entries(fault.headers ?? {})) c.header(name, value)
    // An injected body is data for a test, never a document of the server's origin.
    c.header('Content-Security-Policy', 'sandbox')
    c.header('X-Content-Type-Options', 'nosniff')
    const status = fault.status as ContentfulStatusCode
    if (fault.status === 204 || fault.status === 205 || fault.status === 304) return c.body(null, fault.status)
    if (typeof fault.body === 'string') {
      if (!fault.headers || !Object.keys(fault.headers).some((name) => name.toLowerCase() === 'content-type')) {
        c.header('Content-Type', 'text/plain; charset=utf-8')
      }
      return c.body(fault.body, status)
    }
    return c.json(fault.body ?? defaultBody(c.req.path, fault.status), status)
  }
}
