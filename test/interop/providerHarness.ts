// Interop harness: panva's oidc-provider (a second, independent authorization server) and the e2e app
// page on 127.0.0.1, driven in the system Chromium. The page runs the unchanged core as a script-tag
// bundle built from source; the provider approves every sign-in itself (login and consent), so a
// sign-in is one chain of redirects with no form to fill, unless `interactive` asks for a login page
// and a consent page with Allow and Deny.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import Provider from 'oidc-provider'
import { appPage, coreBundle } from '../e2e/harness'
import type { PageState } from '../e2e/harness'

export const clientId = 'interop-app'
/** The account every sign-in signs in as, and the claims the provider knows of it. */
export const account = { sub: 'ada', name: 'Ada Lovelace', email: 'ada@example.com', email_verified: true }

/** Options of {@link startInterop}. */
export interface InteropOptions {
  browser: Browser
  /** oidc-provider configuration over the base one; `features` and `ttl` are merged one level deep. */
  provider?: Record<string, any>
  /** Options of `createAuthClient` in the page (JSON only); `issuer`, `clientId` and `scope` have defaults. */
  client?: Record<string, unknown>
  /**
   * Mounts the provider under this path (e.g. `/oidc`), which becomes the issuer's path. The host root
   * then answers everything else, its RFC 8414 location (`/.well-known/oauth-authorization-server/oidc`)
   * included, with a 404 without CORS headers, as Keycloak before 26.4 does.
   */
  mountPath?: string
  /** Metadata of the app's client over the base one (e.g. `{ dpop_bound_access_tokens: true }`). */
  clientMetadata?: Record<string, unknown>
  /** The page's `plugins`, as script source over `PkceAuth` (e.g. `'[PkceAuth.dpop()]'`). */
  plugins?: string
  /**
   * Login and consent as pages the test clicks through (`#login`; `#allow` or `#deny`) instead of
   * approved at once.
   */
  interactive?: boolean
  /**
   * `Cross-Origin-Opener-Policy: same-origin` on the app's pages (`app`), on every response of the
   * provider (`provider`: its authorization endpoint, login and consent pages), or on the consent page only.
   */
  coop?: { app?: boolean; provider?: boolean; consent?: boolean }
}

/** A request that reached the provider's server (the path as sent, mount included). */
export interface ServerRequest {
  method: string
  path: string
}

/** What {@link startInterop} resolves to. */
export interface Interop {
  issuer: string
  appUrl: string
  context: BrowserContext
  /** Requests that reached the provider's server, in order. */
  requests(): ServerRequest[]
  /** Token requests the browser sent (reached the server or not), as their form bodies. */
  tokenBodies(): URLSearchParams[]
  /** Opens the app page and waits until the state leaves `loading`. */
  openTab(): Promise<Page>
  /** Starts a sign-in in `page` and resolves with the callback URL, which is not loaded (for a test to change). */
  captureCallback(page: Page): Promise<string>
  /** Loads `url` (a callback) in `page` and resolves once `handleRedirect()` settled: with its error, if any. */
  completeCallback(page: Page, url: string): Promise<{ code: string; message: string } | undefined>
  /** A full sign-in in `page`; resolves with the callback's error, if any. */
  signIn(page: Page): Promise<{ code: string; message: string } | undefined>
  state(page: Page): Promise<PageState>
  /** Calls `auth.getAccessToken(options)` in the page: the token, or the error's code and message. */
  getAccessToken(page: Page, options?: object): Promise<{ token?: string; error?: { code: string; message: string } }>
  waitForStatus(page: Page, status: PageState['status']): Promise<PageState>
  close(): Promise<void>
}

/** The claims of a JWT, decoded without verification (the test only reads `aud`). */
const coop = { 'cross-origin-opener-policy': 'same-origin' }

export const claimsOf = (jwt: string | undefined): Record<string, unknown> | undefined => {
  const payload = jwt?.split('.')[1]
  return payload === undefined ? undefined : JSON.parse(Buffer.from(payload, 'base64url').toString())
}

/**
 * Starts oidc-provider (with `options.provider` over a base configuration: one public client, refresh
 * tokens issued to it, the profile and email claims) and the app on free ports of 127.0.0.1, and a
 * fresh context in `options.browser`.
 */
export async function startInterop(options: InteropOptions): Promise<Interop> {
  const script = await coreBundle()
  const mount = options.mountPath ?? ''
  let provider: Provider | undefined
  let pageConfig: Record<string, unknown> = {}
  // Set while a test holds the next callback: the app answers it with an empty page and hands the URL over.
  let hold: ((url: string) => void) | undefined
  const requests: ServerRequest[] = []

  const app = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (pathname === '/core.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script)
    } else if (pathname === '/callback' && hold) {
      hold(new URL(request.url!, appUrl).href)
      hold = undefined
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>held</title>')
    } else if (pathname === '/app.html' || pathname === '/callback') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...(options.coop?.app && coop) })
      response.end(appPage(pageConfig, options.plugins))
    } else {
      response.writeHead(404).end()
    }
  })

  const server = createServer((request, response) => {
    const url = request.url ?? '/'
    requests.push({ method: request.method ?? 'GET', path: url.split('?')[0]! })
    if (!provider || (mount && !url.startsWith(mount + '/'))) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      return
    }
    // Mounted the way express mounts it: the provider sees its own path, and finds the mount in originalUrl.
    Object.assign(request, { originalUrl: url, url: url.slice(mount.length) || '/' })
    provider.callback()(request, response)
  })

  await Promise.all([app, server].map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))))
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${mount}`
  const { features, ttl, ...rest } = options.provider ?? {}
  provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${appUrl}/callback`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...options.clientMetadata,
    }],
    cookies: { keys: ['interop-suite'] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ ...account, sub }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `${mount}/interaction/${interaction.uid}` },
    // A public SPA client gets a refresh token without `offline_access` (the default asks for it).
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    features: { devInteractions: { enabled: false }, ...features },
    ttl: { AccessToken: 3600, ...ttl },
    ...rest,
  })
  // oidc-provider logs every error it answers with; the tests assert on what the client saw instead.
  provider.on('server_error', () => {})
  // The interaction pages, served by the provider's own app (before its routes), and the headers asked for
  // on every response it sends: its endpoints' (the authorization endpoint's redirects) and these pages'.
  provider.use(async (ctx, next) => {
    const [, uid, action] = /^\/interaction\/([^/]+)(?:\/(\w+))?$/.exec(ctx.path) ?? []
    if (!uid) await next()
    else {
      const url = await interact(provider!, ctx.req, ctx.res, options.interactive ? action ?? 'show' : 'approve', `${mount}/interaction/${uid}`)
      if (url.startsWith('<')) {
        ctx.type = 'html'
        ctx.body = url
        if (options.coop?.consent && url.includes('id="allow"')) ctx.set(coop)
      } else {
        ctx.redirect(url)
        ctx.status = 303
      }
    }
    if (options.coop?.provider) ctx.set(coop)
  })
  pageConfig = { issuer, clientId, scope: 'openid', ...options.client }

  const context = await options.browser.newContext()
  const tokenBodies: URLSearchParams[] = []
  context.on('request', (request) => {
    if (request.method() === 'POST' && request.url().startsWith(`${issuer}/token`)) {
      tokenBodies.push(new URLSearchParams(request.postData() ?? ''))
    }
  })

  type PageWindow = { states: PageState[]; ready: Promise<void>; callbackError?: { code: string; message: string }; auth: any }
  const ready = async (page: Page) => {
    await page.evaluate(() => (window as unknown as PageWindow).ready)
    await page.waitForFunction(() => (window as unknown as PageWindow).states.at(-1)!.status !== 'loading', null, { timeout: 10_000 })
    return page.evaluate(() => (window as unknown as PageWindow).callbackError)
  }

  const interop: Interop = {
    issuer,
    appUrl,
    context,
    requests: () => [...requests],
    tokenBodies: () => [...tokenBodies],
    async openTab() {
      const page = await context.newPage()
      await page.goto(`${appUrl}/app.html`)
      await ready(page)
      return page
    },
    async captureCallback(page) {
      // Held at the app server: the browser follows the provider's redirect there, which page.route does not see.
      const callback = new Promise<string>((resolve) => void (hold = resolve))
      await page.evaluate(() => void (window as unknown as PageWindow).auth.signIn())
      const url = await callback
      await page.waitForURL(url)
      return url
    },
    async completeCallback(page, url) {
      await page.goto(url)
      return ready(page)
    },
    async signIn(page) {
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/callback', { timeout: 15_000 }),
        page.evaluate(() => void (window as unknown as PageWindow).auth.signIn()),
      ])
      return ready(page)
    },
    state: (page) => page.evaluate(() => (window as unknown as PageWindow).states.at(-1)!),
    getAccessToken: (page, tokenOptions) =>
      page.evaluate(
        (o) => (window as unknown as PageWindow).auth.getAccessToken(o).then(
          (token: string) => ({ token }),
          (error: { code: string; message: string }) => ({ error: { code: error.code, message: error.message } }),
        ),
        tokenOptions,
      ),
    async waitForStatus(page, status) {
      await page.waitForFunction((s) => (window as unknown as PageWindow).states.at(-1)!.status === s, status, { timeout: 10_000 })
      return interop.state(page)
    },
    async close() {
      await context.close().catch(() => {})
      for (const s of [app, server]) {
        s.closeAllConnections()
        await new Promise((resolve) => s.close(resolve))
      }
    },
  }
  return interop
}

/**
 * The provider's interaction at `path`: `approve` plays the user (signs in as {@link account} and grants
 * whatever the consent prompt says is missing: OpenID scopes and claims, each resource's scopes); `show`
 * renders the prompt's page (login: a button; consent: Allow and Deny), whose buttons post `login`,
 * `allow` (as `approve`) or `deny` (`access_denied`). Resolves with a page's HTML or where to redirect.
 */
async function interact(provider: Provider, request: IncomingMessage, response: ServerResponse, action: string, path: string): Promise<string> {
  const { prompt, params, session, grantId } = await provider.interactionDetails(request, response)
  const finish = (result: Record<string, unknown>, mergeWithLastSubmission = true) =>
    provider.interactionResult(request, response, result, { mergeWithLastSubmission })
  if (action === 'show') {
    const button = (id: string, label: string) => `<form method="post" action="${path}/${id}"><button id="${id}">${label}</button></form>`
    return prompt.name === 'login'
      ? `<!doctype html><title>Sign in</title>${button('login', `Sign in as ${account.name}`)}`
      : `<!doctype html><title>Consent</title><p>${params.client_id} asks for ${params.scope}</p>${button('allow', 'Allow')}${button('deny', 'Deny')}`
  }
  if (action === 'deny') return finish({ error: 'access_denied', error_description: 'End-User denied the request' })
  if (prompt.name === 'login') return finish({ login: { accountId: account.sub } }, false)
  const grant = (grantId && (await provider.Grant.find(grantId))) ||
    new provider.Grant({ accountId: session!.accountId!, clientId: String(params.client_id) })
  const missing = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> }
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '))
  return finish({ consent: { grantId: await grant.save() } })
}
