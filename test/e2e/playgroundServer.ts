// The built playground for end-to-end tests: `vite build` into a temporary folder, served by a small
// static server on 127.0.0.1 (plain.html under a strict CSP), plus mock servers that know its origin,
// and Chromium. The playground reads its issuer from `window.__PLAYGROUND_CONFIG__`, set per context.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { build } from 'vite'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer, MockServerOptions } from '@pkce-auth/mock-server'
import { chromiumPath } from './harness'

/** The client id the playground uses in these tests. */
export const clientId = 'pkce-auth-playground'

/** The policy plain.html is served with: only scripts from the page's own origin, no inline, no eval. */
export const strictCsp = "script-src 'self'"

/** Where screenshots go (git-ignored). */
export const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url))

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
}

/** A mock server started for the playground; `url` is its issuer. */
export interface PlaygroundMock {
  mock: MockServer
  url: string
}

/** What {@link startPlayground} resolves to. Call `close()` in `afterAll`. */
export interface Playground {
  /** `http://127.0.0.1:PORT` of the built playground. */
  appUrl: string
  browser: Browser
  /** Starts a mock server whose client accepts the playground's redirect URIs. */
  startMock(options?: MockServerOptions): Promise<PlaygroundMock>
  /** A fresh browser context (own storage) whose pages use `mock` as their issuer. */
  newContext(mock: PlaygroundMock, config?: { refreshLeewaySeconds?: number; dpop?: boolean }): Promise<BrowserContext>
  /** Uncaught exceptions of a page opened with {@link Playground.open}. */
  pageErrors(page: Page): string[]
  /** Opens `path` in a new tab of `context`, recording its uncaught exceptions. */
  open(context: BrowserContext, path?: string): Promise<Page>
  close(): Promise<void>
}

/** Builds the playground with Vite, serves it, and launches Chromium. */
export async function startPlayground(): Promise<Playground> {
  const outDir = await mkdtemp(join(tmpdir(), 'pkce-auth-playground-'))
  await build({
    configFile: fileURLToPath(new URL('../../playground/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  })

  const app = createServer(async (request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    // Any path that is not a file is the single-page app (e.g. /callback).
    const file = extname(pathname) ? pathname : '/index.html'
    try {
      const body = await readFile(join(outDir, file.replace(/\.\./g, '')))
      const headers: Record<string, string> = { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }
      if (file === '/plain.html') headers['content-security-policy'] = strictCsp
      response.writeHead(200, headers).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const mocks: { close(): Promise<void> }[] = []
  const errors = new WeakMap<Page, string[]>()

  return {
    appUrl,
    browser,
    async startMock(options = {}) {
      const mock = createMockServer({
        ...options,
        clients: [
          ...(options.clients ?? []),
          { clientId, name: 'pkce-auth playground', redirectUris: [`${appUrl}/callback`, `${appUrl}/plain.html`], verified: true },
        ],
      })
      const listener = await mock.listen(0, '127.0.0.1')
      mocks.push(listener)
      return { mock, url: listener.url }
    },
    async newContext({ url }, config = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      await context.addInitScript((config) => Object.assign(window, { __PLAYGROUND_CONFIG__: config }), { issuer: url, clientId, ...config })
      return context
    },
    pageErrors: (page) => [...(errors.get(page) ?? [])],
    async open(context, path = '/') {
      const page = await context.newPage()
      const list: string[] = []
      errors.set(page, list)
      page.on('pageerror', (error) => list.push(String(error)))
      await page.goto(appUrl + path)
      return page
    },
    async close() {
      await browser.close().catch(() => {})
      await Promise.all(mocks.map((listener) => listener.close()))
      await new Promise((resolve) => {
        app.close(resolve)
        app.closeAllConnections()
      })
      await rm(outDir, { recursive: true, force: true })
    },
  }
}

/** Creates the artifacts folder and returns the path of `name` in it. */
export async function artifactPath(name: string): Promise<string> {
  await mkdir(artifacts, { recursive: true })
  return join(artifacts, name)
}

/** Clicks `#sign-in`, then Allow (or Deny) on the mock's consent page; resolves back on the app. */
export async function signInThroughConsent(page: Page, choice: 'allow' | 'deny' = 'allow', appUrl?: string) {
  const app = appUrl ?? new URL(page.url()).origin
  await page.click('#sign-in')
  await page.waitForURL((url) => url.pathname.includes('/consent'))
  await page.click(`#${choice}:not([disabled])`)
  await page.waitForURL((url) => url.origin === app)
}
