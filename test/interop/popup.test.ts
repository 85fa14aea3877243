// `signInWithPopup` against oidc-provider, every scenario of issue 15: the window goes through the
// provider's login and consent pages (clicked through as a person would, in a Chromium that blocks
// popups not opened from a click) and its callback page hands the response back to the opener, with
// and without Cross-Origin-Opener-Policy on the app page or on the provider's pages.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { addButton, expectOpenerGone, launchWithPopupBlocking, outcome, pending, sendForgeries, storedRecords } from '../e2e/popupPage'
import { account, startInterop } from './providerHarness'
import type { Interop, InteropOptions } from './providerHarness'

let browser: Browser
let interop: Interop | undefined

beforeAll(async () => {
  browser = await launchWithPopupBlocking()
})
afterEach(async () => {
  await interop?.close()
  interop = undefined
})
afterAll(async () => {
  await browser?.close()
})

/**
 * The provider with a login page and a consent page (Allow, Deny), and the app page open in one tab;
 * `coop()` lists the pages that came with COOP (`path` of each document the browser loaded).
 */
const start = async (options: Omit<InteropOptions, 'browser'> = {}) => {
  const i = (interop = await startInterop({ browser, interactive: true, ...options }))
  const documents: { url: string; coop: boolean }[] = []
  i.context.on('response', (response) => {
    if (response.request().resourceType() !== 'document') return
    documents.push({ url: response.url(), coop: response.headers()['cross-origin-opener-policy'] === 'same-origin' })
  })
  const coop = () => documents.filter((d) => d.coop).map((d) => new URL(d.url).pathname.replace(/\/interaction\/[^/]+/, '/interaction/…'))
  return { i, page: await i.openTab(), coop }
}

/** Clicks the app's button; resolves with the window it opened. */
const click = async (i: Interop, page: Page) => (await Promise.all([i.context.waitForEvent('page'), page.click('#popup')]))[0]

/** The window shows the provider's login page (`#login`) or consent page (`#allow`, `#deny`). */
const at = (popup: Page, button: '#login' | '#allow') => popup.locator(button).waitFor({ timeout: 10_000 })
const press = async (popup: Page, button: '#login' | '#allow' | '#deny') => {
  await at(popup, button === '#login' ? '#login' : '#allow')
  await popup.locator(button).click()
}

/** Clicks through login and consent, and waits for the window to close itself. */
const approve = async (popup: Page) => {
  const closed = popup.waitForEvent('close', { timeout: 15_000 })
  await press(popup, '#login')
  await press(popup, '#allow')
  await closed
}

const grants = (i: Interop) => i.tokenBodies().map((body) => body.get('grant_type'))
const opened = (popup: Page) => popup.evaluate(() => window.opener !== null)
const status = (i: Interop, page: Page) => i.state(page).then((state) => state.status)

describe('signInWithPopup against oidc-provider', () => {
  it('signs in through the login and consent pages: the window closes, the opener exchanges the code once and keeps its page; a second tab follows', async () => {
    const { i, page } = await start()
    const other = await i.openTab()
    await page.evaluate(() => ((window as any).kept = 'page state'))
    await addButton(page, { appState: { from: 'popup' }, returnTo: '/settings' })
    await approve(await click(i, page))
    expect(await outcome(page)).toMatchObject({ result: { appState: { from: 'popup' }, returnTo: '/settings' } })
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user: { sub: account.sub } })
    expect(await page.evaluate(() => (window as any).kept)).toBe('page state')
    expect(grants(i)).toEqual(['authorization_code'])
    await i.waitForStatus(other, 'signedIn')
  })

  it('rejects with access_denied when the person denies at the consent page, and closes the window; nothing is exchanged', async () => {
    const { i, page } = await start()
    await addButton(page)
    const popup = await click(i, page)
    const closed = popup.waitForEvent('close')
    await press(popup, '#login')
    await press(popup, '#deny')
    await closed
    expect((await outcome(page)).error).toMatchObject({ name: 'AuthError', code: 'access_denied' })
    expect(await status(i, page)).toBe('signedOut')
    expect(grants(i)).toEqual([])
  })

  it('rejects with popup_closed once the person closes the window (after the grace period)', async () => {
    const { i, page } = await start()
    await addButton(page)
    const popup = await click(i, page)
    await at(popup, '#login')
    // Later than a COOP cut reads (see the COOP tests): a person reading the login page, then closing it.
    await page.waitForTimeout(6_500)
    const closedAt = Date.now()
    await popup.close()
    const { error } = await outcome(page)
    expect(error).toMatchObject({ code: 'popup_closed' })
    // The grace period (2 s), read every 500 ms: measured 2.1 to 2.5 s.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(2_000)
    expect(Date.now() - closedAt).toBeLessThan(3_500)
    expect(await status(i, page)).toBe('signedOut')
    expect(grants(i)).toEqual([])
  })

  it('rejects at once with popup_blocked when the window is opened after an await (the click has expired); nothing reaches the provider', async () => {
    const { i, page } = await start()
    // Chromium lets a click open a window for 5 s: a handler that awaited longer has lost it.
    await addButton(page, {}, 5_500)
    const pages = i.context.pages().length
    await page.click('#popup')
    const { error, ms } = await outcome(page)
    expect(error).toMatchObject({ code: 'popup_blocked' })
    expect(ms).toBeLessThan(6_500)
    expect(i.context.pages()).toHaveLength(pages)
    expect(i.requests().filter((request) => request.path === '/auth')).toEqual([])
  })

  describe('with Cross-Origin-Opener-Policy: same-origin', () => {
    // The window reads as closed from the moment COOP cuts the link (while it is open): measured here,
    // and printed, for the README's rule (read within 6 s of the click it is taken for COOP).
    const signsIn = async (coop: InteropOptions['coop']) => {
      const { i, page, coop: sentWithCoop } = await start({ coop })
      const other = await i.openTab()
      await addButton(page, {}, undefined, true)
      const popup = await click(i, page)
      await at(popup, '#login')
      expect(await opened(popup)).toBe(false)
      const closedAfter = await page.evaluate(() => (window as any).closedAfter as number | undefined)
      console.info(`COOP on ${Object.keys(coop!)}: closed read true ${closedAfter} ms after the click`)
      expect(closedAfter).toBeLessThan(6_000)
      // Longer than the grace period after `closed` read true: the sign-in goes on.
      await page.waitForTimeout(2_500)
      expect(await pending(page)).toBe(true)
      await approve(popup)
      expect(await outcome(page)).toMatchObject({ result: {} })
      expect(await status(i, page)).toBe('signedIn')
      expect(grants(i)).toEqual(['authorization_code'])
      await i.waitForStatus(other, 'signedIn')
      return sentWithCoop()
    }

    it('on the app page: the link to the window is cut, the response comes back over the channel', async () => {
      expect(new Set(await signsIn({ app: true }))).toEqual(new Set(['/app.html', '/callback']))
    })

    it('on every response of the provider (authorization endpoint, login and consent pages)', async () => {
      const paths = await signsIn({ provider: true })
      // The login page, its form's answer, the consent page and Allow's answer, and each redirect of the authorization endpoint.
      expect(paths).toEqual(expect.arrayContaining(['/auth', '/interaction/…', '/interaction/…/login', '/interaction/…/allow']))
      expect(paths.filter((path) => path.startsWith('/auth/'))).toHaveLength(2)
      expect(paths).not.toContain('/callback')
    })

    it('a second sign-in replaces the first, whose window the page can no longer close: finished there, it exchanges nothing and says to sign in again', async () => {
      const { i, page } = await start({ coop: { app: true } })
      await addButton(page)
      const first = await click(i, page)
      await at(first, '#login')
      const firstOutcome = page.evaluate(() => (window as any).outcome)
      const second = await click(i, page)
      expect((await firstOutcome).error).toMatchObject({ code: 'popup_closed' })
      await approve(second)
      expect(await outcome(page)).toMatchObject({ result: {} })
      expect(first.isClosed()).toBe(false)
      // The provider remembers the sign-in and the grant: the first window goes straight to the callback.
      await press(first, '#login')
      await first.waitForURL((url) => url.pathname === '/callback')
      await first.waitForFunction(() => (window as any).callbackError, null, { timeout: 10_000 })
      expect(await first.evaluate(() => (window as any).callbackError)).toMatchObject({ code: 'popup_closed', message: expect.stringContaining('sign in again') })
      expect(grants(i)).toEqual(['authorization_code'])
      expect(await status(i, page)).toBe('signedIn')
    })

    it('on the consent page only, reached more than 6 s after the click: the cut reads as a closed window, and the sign-in ends with popup_closed while it is open (the rule\'s known limit)', async () => {
      const { i, page, coop } = await start({ coop: { consent: true } })
      await addButton(page, {}, undefined, true)
      const popup = await click(i, page)
      await at(popup, '#login')
      // A person taking 7 s over the login page (no COOP there: the link holds).
      await page.waitForTimeout(7_000)
      expect(await opened(popup)).toBe(true)
      await press(popup, '#login')
      await at(popup, '#allow')
      expect(await opened(popup)).toBe(false)
      expect((await outcome(page)).error).toMatchObject({ code: 'popup_closed' })
      expect(await page.evaluate(() => (window as any).closedAfter)).toBeGreaterThan(6_000)
      expect(popup.isClosed()).toBe(false)
      // Finished there, nobody answers: the window says to sign in again, and nothing is exchanged or stored.
      await press(popup, '#allow')
      await popup.waitForURL((url) => url.pathname === '/callback')
      await popup.waitForFunction(() => (window as any).callbackError, null, { timeout: 10_000 })
      expect(await popup.evaluate(() => (window as any).callbackError)).toMatchObject({ code: 'popup_closed', message: expect.stringContaining('sign in again') })
      expect(grants(i)).toEqual([])
      expect(await storedRecords(page)).toEqual([])
      expect(coop()).toEqual(['/interaction/…'])
    })
  })

  it('ignores a forged response from the provider\'s origin, or for another state, and exchanges the real one once', async () => {
    const { i, page } = await start()
    await addButton(page)
    const authorize = i.context.waitForEvent('request', (request) => new URL(request.url()).pathname === '/auth')
    const popup = await click(i, page)
    const state = new URL((await authorize).url()).searchParams.get('state')!
    await at(popup, '#login')
    // In the form the callback page sends: the response's URL.
    const forged = (state: string) => `${i.appUrl}/callback?code=forged&state=${state}&iss=${encodeURIComponent(i.issuer)}`
    // From the provider's login page (its opener is the app) with the right state; from this origin for another.
    expect(await opened(popup)).toBe(true)
    await sendForgeries(page, popup, state, forged)
    expect(await pending(page)).toBe(true)
    expect(grants(i)).toEqual([])
    await approve(popup)
    expect(await outcome(page)).toMatchObject({ result: {} })
    expect(grants(i)).toEqual(['authorization_code'])
    expect(await status(i, page)).toBe('signedIn')
  })

  it('tells the person in the window to sign in again when the opener reloaded meanwhile; nothing is stored or exchanged', async () => {
    const { i, page } = await start()
    await addButton(page)
    const popup = await click(i, page)
    await press(popup, '#login')
    await at(popup, '#allow')
    await page.reload()
    await i.waitForStatus(page, 'signedOut')
    await press(popup, '#allow')
    await expectOpenerGone(popup)
    expect(await i.state(popup)).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    expect(grants(i)).toEqual([])
    expect(await status(i, page)).toBe('signedOut')
    expect(await storedRecords(page)).toEqual([])
  })
})
