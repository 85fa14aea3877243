// Popup sign-in (`@pkce-auth/core/popup`) in Chromium against the mock server: the app page loads the
// script-tag build (the core and every add-on), opens the window from a real click, and the window's
// callback page (the same app page on `redirectUri`) hands the response back, with and without
// Cross-Origin-Opener-Policy on the app page or on the server's consent page.
import { createServer } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer } from '@pkce-auth/mock-server'
import { appPage, clientId } from './harness'
import { addButton, expectOpenerGone, launchWithPopupBlocking, outcome, pending, sendForgeries, storedRecords } from './popupPage'
import type { Outcome } from './popupPage'

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

const status = (page: Page) => page.evaluate(() => (window as any).states.at(-1).status as string)

describe('signInWithPopup in Chromium', () => {
  let browser: Browser
  let context: BrowserContext
  let mock: MockServer
  let closeMock: () => Promise<void>
  let app: ReturnType<typeof createServer>
  let appUrl: string
  let mockUrl: string
  // The mock behind a front that sends its consent page with COOP: another issuer, the same server.
  let coopFront: ReturnType<typeof createAdaptorServer>
  let coopUrl: string
  let config: Record<string, unknown> = {}
  // Per test: COOP on the app's pages.
  let appCoop = false

  beforeAll(async () => {
    browser = await launchWithPopupBlocking()
    const script = await bundle
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
    coopFront = createAdaptorServer({
      fetch: async (request: Request) => {
        const response = await mock.fetch(request)
        if (new URL(request.url).pathname !== '/v2/oauth/consent-page') return response
        const headers = new Headers(response.headers)
        headers.set('cross-origin-opener-policy', 'same-origin')
        return new Response(response.body, { status: response.status, headers })
      },
    })
    await new Promise<void>((resolve) => coopFront.listen(0, '127.0.0.1', resolve))
    coopUrl = `http://127.0.0.1:${(coopFront.address() as AddressInfo).port}`
  })

  afterEach(async () => {
    await context?.close()
    appCoop = false
    config.issuer = mockUrl
    mock.requests.clear()
  })

  afterAll(async () => {
    await browser?.close()
    await closeMock?.()
    await new Promise((resolve) => coopFront?.close(resolve))
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
  it('rejects with access_denied when the person denies, and closes the window; nothing is exchanged', async () => {
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    const closed = popup.waitForEvent('close')
    await consent(popup, '#deny')
    await closed
    expect((await outcome(page)).error).toMatchObject({ name: 'AuthError', code: 'access_denied' })
    expect(await status(page)).toBe('signedOut')
    expect(tokenRequests()).toEqual([])
  })

  it('rejects with popup_closed once the person closes the window (after the grace period)', async () => {
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    // Closed later than a COOP cut would read: a person reading the consent page, then closing it.
    await page.waitForTimeout(6_500)
    const closedAt = Date.now()
    await popup.close()
    const { error } = await outcome(page)
    expect(error).toMatchObject({ code: 'popup_closed' })
    expect(Date.now() - closedAt).toBeLessThan(5_000)
    expect(await status(page)).toBe('signedOut')
  })

  it('rejects at once with popup_blocked when the window is opened after an await (the click has expired)', async () => {
    const page = await openApp()
    // Chromium lets a click open a window for 5 s: a handler that awaited longer has lost it.
    await addButton(page, {}, 5_500)
    const pages = context.pages().length
    await page.click('#popup')
    const { error, ms } = await outcome(page)
    expect(error).toMatchObject({ code: 'popup_blocked', message: expect.stringContaining('from a click') })
    expect(ms).toBeLessThan(6_500)
    expect(context.pages().length).toBe(pages)
    expect(mock.requests.list().filter((entry) => entry.path === '/v2/oauth/authorize')).toEqual([])
  })

  it('signs in when the app page is sent with Cross-Origin-Opener-Policy: same-origin (the link to the window is cut)', async () => {
    appCoop = true
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    // COOP at work: the window has no opener, and the app reads it as closed while it is open.
    expect(await popup.evaluate(() => window.opener === null)).toBe(true)
    await page.waitForTimeout(2_500)
    const closed = popup.waitForEvent('close')
    await consent(popup, '#allow')
    await closed
    expect(await outcome(page)).toMatchObject({ result: {} })
    expect(await status(page)).toBe('signedIn')
    expect(tokenRequests()).toHaveLength(1)
  })

  it('signs in when the server sends its consent page with Cross-Origin-Opener-Policy: same-origin', async () => {
    config.issuer = coopUrl
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    expect(await popup.evaluate(() => window.opener === null)).toBe(true)
    const closed = popup.waitForEvent('close')
    await consent(popup, '#allow')
    await closed
    expect(await outcome(page)).toMatchObject({ result: {} })
    expect(await status(page)).toBe('signedIn')
  })

  it('ignores a forged response from another origin, or for another state, and exchanges the real one once', async () => {
    const page = await openApp()
    const authorize = context.waitForEvent('request', (request) => new URL(request.url()).pathname === '/v2/oauth/authorize')
    await addButton(page)
    const popup = await click(page)
    const state = new URL((await authorize).url()).searchParams.get('state')!
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    // In the form the callback page sends (the response's URL as a string), so only the checks stop them.
    const forged = (state: string) => `${appUrl}/callback?code=forged&state=${state}`
    // From the server's origin (the consent page, its opener is the app) with the right state; from this origin for another.
    await sendForgeries(page, popup, state, forged)
    // Neither was taken: the sign-in still waits (a forged code taken would have failed it by now), and nothing was exchanged.
    expect(await pending(page)).toBe(true)
    expect(tokenRequests()).toEqual([])
    const closed = popup.waitForEvent('close')
    await consent(popup, '#allow')
    await closed
    expect(await outcome(page)).toMatchObject({ result: {} })
    expect(tokenRequests().map((entry) => entry.status)).toEqual([200])
  })

  it('tells the person in the window to sign in again when the opener reloaded meanwhile; nothing is stored', async () => {
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    await popup.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    await page.reload()
    await page.waitForFunction(() => (window as any).states.at(-1).status !== 'loading')
    await consent(popup, '#allow')
    await expectOpenerGone(popup)
    expect(await popup.evaluate(() => (window as any).states.at(-1))).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    expect(tokenRequests()).toEqual([])
    expect(await status(page)).toBe('signedOut')
    // No session and no transaction left in storage.
    expect(await storedRecords(page)).toEqual([])
  })

  it('a second sign-in replaces the first: its window closes and it rejects with popup_closed', async () => {
    const page = await openApp()
    await addButton(page)
    const first = await click(page)
    await first.waitForURL((url) => url.pathname === '/v2/oauth/consent-page')
    const firstOutcome = page.evaluate(() => (window as any).outcome as Promise<Outcome>)
    const firstClosed = first.waitForEvent('close')
    const second = await click(page)
    expect((await firstOutcome).error).toMatchObject({ code: 'popup_closed' })
    await firstClosed
    const closed = second.waitForEvent('close')
    await consent(second, '#allow')
    await closed
    expect(await outcome(page)).toMatchObject({ result: {} })
  })

  it('ends with popup_closed when the signal aborts, and with timeout after timeoutMs', async () => {
    const page = await openApp()
    await addButton(page)
    const popup = await click(page)
    const closed = popup.waitForEvent('close')
    await page.evaluate(() => (window as any).controller.abort())
    expect((await outcome(page)).error).toMatchObject({ code: 'popup_closed' })
    await closed
    await addButton(page, { timeoutMs: 1_500 })
    await click(page)
    const { error, ms } = await outcome(page)
    expect(error).toMatchObject({ code: 'timeout' })
    expect(ms).toBeGreaterThanOrEqual(1_500)
  })
}, 120_000)
