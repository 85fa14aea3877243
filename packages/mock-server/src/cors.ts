import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './appEnv'
import type { ClientStore } from './clientStore'
import { isLoopbackOrigin } from './loopback'

/** Who may read a path's responses cross-origin. */
type CorsPolicy = 'public' | 'registered' | 'loopback' | 'none'

const registeredPaths = [/^\/v2\/oauth\/(token|revoke|introspect|register|grants)$/, /^\/v2\/oauth\/consent\//, /^\/v2\/oauth_(clients|grants)(\/|$)/]

function policyFor(path: string): CorsPolicy {
  // Metadata and keys are public; the test controls are for the developer's own pages only.
  if (path.startsWith('/.well-known/') || path === '/v2/oauth/jwks') return 'public'
  if (path.startsWith('/__mock/')) return 'loopback'
  return registeredPaths.some((pattern) => pattern.test(path)) ? 'registered' : 'none'
}

const allowMethods = 'GET, POST, PUT, DELETE, OPTIONS'
const allowHeaders = 'Authorization, Content-Type, Accept, DPoP'
const exposeHeaders = 'WWW-Authenticate, DPoP-Nonce, Retry-After, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset'

/**
 * CORS: public endpoints answer any origin with `*`; the token, revocation, introspection and registration
 * endpoints and the API answer the web origins of registered redirect URIs only (others, `null` included,
 * get no allow-origin header); `/__mock/*` answers loopback origins only. Preflights are answered here with
 * 204, before faults and rate limits.
 */
export function corsMiddleware(clients: ClientStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const policy = policyFor(c.req.path)
    const origin = c.req.header('origin')
    let allowOrigin: string | undefined
    if (policy === 'public') allowOrigin = '*'
    else if (policy === 'registered') {
      c.header('Vary', 'Origin')
      if (origin && origin !== 'null' && clients.allowedOrigins().has(origin)) allowOrigin = origin
    } else if (policy === 'loopback') {
      c.header('Vary', 'Origin')
      if (origin && isLoopbackOrigin(origin)) allowOrigin = origin
    }
    if (allowOrigin) {
      c.header('Access-Control-Allow-Origin', allowOrigin)
      c.header('Access-Control-Expose-Headers', exposeHeaders)
    }
    const isPreflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined
    if (isPreflight && policy !== 'none') {
      if (allowOrigin) {
        c.header('Access-Control-Allow-Methods', allowMethods)
        c.header('Access-Control-Allow-Headers', allowHeaders)
        c.header('Access-Control-Max-Age', '600')
      }
      return c.body(null, 204)
    }
    await next()
  }
}
