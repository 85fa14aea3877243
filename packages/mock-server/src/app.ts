import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { AppEnv } from './appEnv'
import { bodyReader, grantTypeOf } from './bodyReader'
import { corsMiddleware } from './cors'
import { apiError, oauthError } from './errors'
import { faultMiddleware } from './faultResponse'
import { authorizeRoutes } from './routes/authorize'
import { consentRoutes } from './routes/consent'
import { discoveryRoutes } from './routes/discovery'
import { introspectionRoutes } from './routes/introspection'
import { mockControlRoutes } from './routes/mockControl'
import { oauthClientRoutes } from './routes/oauthClients'
import { oauthGrantRoutes } from './routes/oauthGrants'
import { registrationRoutes } from './routes/registration'
import { tokenRoutes } from './routes/token'
import type { ServerContext } from './serverContext'

/** The largest request body accepted (413 beyond). */
export const maxBodyBytes = 64 * 1024

const oauthPaths = /^\/v2\/oauth\/(token|introspect|revoke|register)$/

/** Which methods each path answers, for 405s. */
const routeMethods: Array<[RegExp, string]> = [
  [/^\/\.well-known\/oauth-(authorization-server|protected-resource(\/v2)?)$/, 'GET'],
  [/^\/v2\/oauth\/(jwks|authorize|consent-page|consent\/[^/]+)$/, 'GET'],
  [oauthPaths, 'POST'],
  [/^\/v2\/oauth\/grants$/, 'POST'],
  [/^\/v2\/oauth_clients$/, 'GET, POST'],
  [/^\/v2\/oauth_clients\/[^/]+$/, 'GET, PUT, DELETE'],
  [/^\/v2\/oauth_grants$/, 'GET'],
  [/^\/v2\/oauth_grants\/[^/]+$/, 'GET, DELETE'],
]

/** The hono app: middleware (issuer, log, CORS, faults, body limit) and every route. */
export function createApp(server: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.use(async (c, next) => {
    c.set('issuer', server.config.issuer ?? new URL(c.req.url).origin)
    await next()
  })
  app.use(async (c, next) => {
    if (c.req.path.startsWith('/__mock/')) return next()
    const at = Date.now()
    await next()
    const origin = c.req.header('origin')
    const grantType = c.req.path === '/v2/oauth/token' ? grantTypeOf(c.get('bodyText') ?? '', c.req.header('content-type')) : undefined
    server.requests.add({
      method: c.req.method,
      path: c.req.path,
      ...(grantType ? { grantType } : {}),
      status: c.res.status,
      at,
      ...(origin ? { origin } : {}),
    })
  })
  app.use(corsMiddleware(server.clients))
  // RFC 9449 §8-9: with nonces on, every answer carries the current one, so a client keeps up with rotation.
  app.use(async (c, next) => {
    await next()
    const nonce = c.req.path.startsWith('/__mock/') ? undefined : server.dpop?.nonce()
    if (nonce) c.res.headers.set('DPoP-Nonce', nonce)
  })
  app.use(
    bodyReader(maxBodyBytes, (c) =>
      oauthPaths.test(c.req.path)
        ? oauthError(c, 413, 'invalid_request', `The request body exceeds ${maxBodyBytes} bytes`)
        : apiError(c, 413, `The request body exceeds ${maxBodyBytes} bytes.`),
    ),
  )
  // After the body is read (which changes nothing) and before any handler (which might).
  app.use(faultMiddleware())

  discoveryRoutes(app, server)
  authorizeRoutes(app, server)
  consentRoutes(app, server)
  tokenRoutes(app, server)
  introspectionRoutes(app, server)
  registrationRoutes(app, server)
  oauthClientRoutes(app, server)
  oauthGrantRoutes(app, server)
  mockControlRoutes(app, server)

  app.notFound((c) => {
    const allowed = routeMethods.find(([pattern]) => pattern.test(c.req.path))?.[1]
    if (!allowed) return apiError(c, 404, `No route for ${c.req.method} ${c.req.path}.`)
    c.header('Allow', allowed)
    if (oauthPaths.test(c.req.path)) return oauthError(c, 405, 'invalid_request', `Use ${allowed}`)
    return apiError(c, 405, `Method ${c.req.method} is not allowed; use ${allowed}.`)
  })
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse()
    // Never a bare 500 page: the error keeps the path's documented shape.
    if (oauthPaths.test(c.req.path)) return oauthError(c, 500, 'server_error', 'Unexpected server error')
    return apiError(c, 500, 'Unexpected server error.')
  })
  return app
}

/** The `grant_type` of a token request that never reaches the app (a dropped connection), from a copy of its body. */
export async function readGrantType(request: Request): Promise<string | undefined> {
  const length = Number(request.headers.get('content-length') ?? '0')
  if (request.method !== 'POST' || !request.body || length > maxBodyBytes) return undefined
  try {
    const text = await request.clone().text()
    return text.length > maxBodyBytes ? undefined : grantTypeOf(text, request.headers.get('content-type') ?? undefined)
  } catch {
    return undefined
  }
}
