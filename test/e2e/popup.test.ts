// Popup sign-in (`@pkce-auth/core/popup`) in Chromium against the mock server: the app page loads the
// script-tag build (the core and every add-on), opens the window from a real click, and the window's
// callback page (the same app page on `redirectUri`) hands the response back, with and without
// Cross-Origin-Opener-Policy on the app page or on the server's consent page.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer } from '@pkce-auth/mock-server'
import { appPage, chromiumArgs, chromiumPath, clientId } from './harness'

interface Outcome {
  result?: { appState?: unknown; returnTo?: string }
  error?: { name: string; code?: string; message: string }
  /** Milliseconds from the click to the outcome. */
  ms: number
}

// Popups are blocked without a click, as in a browser people use: Playwright's default turns that off.
const launch = () => chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, ignoreDefaultArgs: ['--disable-popup-blocking'] })

const bundle = build({
  entryPoints: [fileURLToPath(new URL('../../packages/core/src/global.ts', import.meta.url))],
  bundle: true,
  format: 'iife',
  globalName: 'PkceAuth',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
}).then((result) => result.outputFiles[0]!.text)

// A button whose click calls signInWithPopup with `options`; its outcome lands in `window.outcome`.
const addButton = (page: Page, options: Record<string, unknown> = {}, delayMs?: number) =>
  page.evaluate(([options, delayMs]) => {
    const w = window as any
    const button = document.createElement('button')
    button.id = 'popup'
    button.textContent = 'Sign in'
    document.body.append(button)
    w.controller = new AbortController()
    button.onclick = async () => {
      const started = Date.now()
      w.outcome = undefined
      if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs))
      w.outcome = w.PkceAuth.signInWithPopup(w.auth, { ...options, signal: w.controller.signal }).then(
        (result: unknown) => ({ result, ms: Date.now() - started }),
        (error: any) => ({ error: { name: error.name, code: error.code, message: error.message }, ms: Date.now() - started }),
      )
    }
  }, [options, delayMs] as const)

const outcome = (page: Page) => page.waitForFunction(() => (window as any).outcome, null, { timeout: 30_000 }).then(() =>
  page.evaluate(() => (window as any).outcome as Promise<Outcome>))

const status = (page: Page) => page.evaluate(() => (window as any).states.at(-1).status as string)

describe('signInWithPopup in Chromium', () => {
  let browser: Browser
  let context: BrowserContext
  let mock: MockServer
  let closeMock: () => Promise<void>
  let app: ReturnType<typeof createServer>
  let appUrl: string
  let mockUrl: string
  // Per test: COOP on the app's pages.
  let appCoop = false

  beforeAll(async () => {
    browser = await launch()
    const script = await bundle
    let config: Record<string, unknown> = {}
    app = createServer((request, response) => {
      const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
      const coop = appCoop ? { 'cross-origin-opener-policy': 'same-origin' } : {}
      if (pathname === '/core.js') {
        response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(script)
      } else if (pathname === '/app.html' || pathname === '/callback') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...coop })
        response.end(appPage(config))
      } else {
        response.writeHead(404).end()
      }
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
    mock = createMockServer({ autoApprove: false, clients: [{ clientId, redirectUris: [`${appUrl}/callback`] }] })
    const listener = await mock.listen(0, '127.0.0.1')
    mockUrl = listener.url
    closeMock = listener.close
    config = { issuer: mockUrl, clientId, scope: 'admin' }
  })

  afterEach(async () => {
    await context?.close()
    appCoop = false
    mock.requests.clear()
  })

  afterAll(async () => {
    await browser?.close()
    await closeMock?.()
    await new Promise((resolve) => {
      app?.close(resolve)
      app?.closeAllConnections()
    })
  })

  const openApp = async () => {
    context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(appUrl + '/app.html')
    await page.waitForFunction(() => (window as any).states.at(-1).status !== 'loading')
    return page
  }

  /** Clicks the button; resolves to the popup's page once it shows the consent page (or has closed). */
  const click = async (page: Page) => {
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#popup')])
    return popup
  }

  const consent = async (popup: Page, choice: '#allow' | '#deny') => {
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    await popup.locator(`${choice}:not([disabled])`).click()
  }

  const tokenRequests = () => mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')

  it('signs in: the window closes, the opener exchanges the code once and keeps its page; a second tab follows', async () => {
    const page = await openApp()
    const other = await context.newPage()
    await other.goto(appUrl + '/app.html')
    await page.evaluate(() => ((window as any).kept = 'page state'))
    await addButton(page, { appState: { tab: 2 }, returnTo: '/settings' })
    const popup = await click(page)
    const closed = popup.waitForEvent('close')
    await consent(popup, '#allow')
    await closed
    expect(await outcome(page)).toMatchObject({ result: { appState: { tab: 2 }, returnTo: '/settings' } })
    expect(await status(page)).toBe('signedIn')
    // The same document: nothing navigated the opener.
    expect(await page.evaluate(() => (window as any).kept)).toBe('page state')
    expect(tokenRequests().map((entry) => entry.grantType)).toEqual(['authorization_code'])
    await other.waitForFunction(() => (window as any).states.at(-1).status === 'signedIn')
  })
}, 120_000)
