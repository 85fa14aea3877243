import type { Hono } from 'hono'
import { createApp, readGrantType } from './app'
import { createApiKeyStore } from './apiKeys'
import type { AppEnv } from './appEnv'
import { createClientStore } from './clientStore'
import type { ClientStore } from './clientStore'
import { createConsentStore } from './consentStore'
import { createDpopVerifier } from './dpopProof'
import { createFaultStore } from './faultStore'
import type { FaultStore } from './faultStore'
import { sleep } from './faultResponse'
import { createGrantStore } from './grantStore'
import type { MockGrant } from './grantStore'
import { defaultUser, resolveConfig } from './mockServerOptions'
import type { MockServerOptions } from './mockServerOptions'
import { createPortalSessionStore } from './portalSessions'
import { createRateLimiter } from './rateLimiter'
import { createRequestLog } from './requestLog'
import type { RequestLog } from './requestLog'
import type { ServerContext } from './serverContext'
import { createSigningKeys } from './signingKeys'
import { createTokenIssuer } from './tokenIssuer'
import { createUserStore } from './userStore'
import type { UserStore } from './userStore'

/** A running real HTTP server. */
export interface MockServerListener {
  /** `http://HOST:PORT`, the issuer when none was configured. */
  url: string
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/** The mock authorization server: a fetch handler, a real server on demand, and test controls. */
export interface MockServer {
  /** Answers a request in-process (no port). Accepts what `fetch` accepts, so it can stand in for `fetch`. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>
  /** Serves over HTTP on `host:port` (port 0 picks a free one). */
  listen(port?: number, host?: string): Promise<MockServerListener>
  clients: ClientStore
  users: UserStore
  /** The last 1000 requests answered (except `/__mock/*`): a ring buffer. */
  requests: RequestLog
  /** Injected failures for the next requests. */
  faults: FaultStore
  /** The active grants (Telnyx's `oauth_grants`). */
  grants: { list(): MockGrant[]; get(id: string): MockGrant | undefined }
  /** Revokes a grant server-side and every token issued under it; resolves whether it was active. */
  revokeGrant(grantId: string): boolean
  /** Signs and records a real access token (e.g. for testing the management API without a flow). */
  issueAccessToken(params: { sub?: string; clientId: string; scope: string | string[]; issuer?: string }): Promise<string>
  /** The hono app itself. */
  app: Hono<AppEnv>
}

const isRequest = (input: unknown): input is Request =>
  typeof input === 'object' && input !== null && 'url' in input && 'method' in input && 'headers' in input

/**
 * Creates a local OAuth 2.0 authorization server that speaks Telnyx's OAuth API.
 *
 * @example
 * ```ts
 * const mock = createMockServer({ clients: [{ clientId: 'app', redirectUris: ['https://app.test/callback'] }] })
 * const metadata = await (await mock.fetch('https://auth.test/.well-known/oauth-authorization-server')).json()
 * const { url, close } = await mock.listen()
 * ```
 */
export function createMockServer(options: MockServerOptions = {}): MockServer {
  const config = resolveConfig(options)
  const users = createUserStore(options.users ?? [defaultUser])
  const clients = createClientStore(() => users.signedIn().id)
  for (const seed of options.clients ?? []) clients.add(seed)
  const grants = createGrantStore()
  const keys = createSigningKeys()
  const server: ServerContext = {
    config,
    clients,
    users,
    grants,
    consents: createConsentStore(),
    keys,
    tokens: createTokenIssuer(config, keys, grants, users),
    faults: createFaultStore(),
    requests: createRequestLog(),
    rateLimiter: createRateLimiter(config.rateLimit),
    registrationLimiter: createRateLimiter(config.registrationRateLimit),
    portalSessions: createPortalSessionStore(),
    apiKeys: createApiKeyStore(options.apiKeys ?? [], users),
    dpop: config.dpop ? createDpopVerifier({ nonceTtlMs: config.dpopNonceTtl === undefined ? undefined : config.dpopNonceTtl * 1000 }) : undefined,
  }
  const app = createApp(server)
  let listeningUrl: string | undefined

  /** Takes this request's fault once; a drop never reaches the app. */
  const handle = async (request: Request, drop: () => void): Promise<Response> => {
    const at = Date.now()
    const path = new URL(request.url).pathname
    const fault = path.startsWith('/__mock/') ? undefined : server.faults.take(request.method, path)
    if (fault?.drop) {
      const grantType = path === '/v2/oauth/token' ? await readGrantType(request) : undefined
      if (fault.delayMs) await sleep(fault.delayMs)
      const origin = request.headers.get('origin')
      server.requests.add({
        method: request.method,
        path,
        ...(grantType ? { grantType } : {}),
        status: 0,
        at,
        ...(origin ? { origin } : {}),
      })
      drop()
      // The real server has destroyed the socket; nobody reads this.
      return new Response(null, { status: 500 })
    }
    return app.fetch(request, { fault })
  }

  return {
    fetch(input, init) {
      const request = isRequest(input) && init === undefined ? input : new Request(input, init)
      return handle(request, () => {
        throw new TypeError('fetch failed: connection dropped by an injected fault')
      })
    },
    async listen(port = 0, host = '127.0.0.1') {
      const { serve } = await import('@hono/node-server')
      return new Promise<MockServerListener>((resolve, reject) => {
        const httpServer = serve(
          {
            fetch: (request, env) => handle(request, () => env.incoming.socket?.destroy()),
            port,
            hostname: host,
            overrideGlobalObjects: false,
          },
          (info) => {
            const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`
            listeningUrl ??= url
            resolve({
              url,
              close: () =>
                new Promise<void>((done) => {
                  httpServer.close(() => done())
                  if ('closeAllConnections' in httpServer) httpServer.closeAllConnections()
                }),
            })
          },
        )
        httpServer.once('error', reject)
      })
    },
    clients,
    users,
    requests: server.requests,
    faults: server.faults,
    grants: { list: () => grants.list(), get: (id) => grants.get(id) },
    revokeGrant: (grantId) => grants.revoke(grantId),
    issueAccessToken({ sub, clientId, scope, issuer }) {
      const userId = (sub && users.get(sub)?.id) ?? clients.get(clientId)?.userId ?? users.signedIn().id
      return server.tokens.accessToken({
        issuer: issuer ?? config.issuer ?? listeningUrl ?? 'http://localhost',
        clientId,
        userId,
        sub: sub ?? userId,
        scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [...scope],
      })
    },
    app,
  }
}
