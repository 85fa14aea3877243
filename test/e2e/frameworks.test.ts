// @pkce-auth/vue and @pkce-auth/svelte in Chromium: each framework's small app (test/e2e/frameworks),
// built from the sources with esbuild, against the mock server on 127.0.0.1, two tabs of one browser.
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer } from '@pkce-auth/mock-server'
import { chromiumArgs, chromiumPath } from './harness'
import { serveApp } from './frameworks/server'
import type { FrameworkApp } from './frameworks/server'

const clientId = 'frameworks-e2e'
const text = (page: Page, selector: string) => page.locator(selector).textContent()

let browser: Browser
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
})
afterAll(() => browser?.close())

/** The app for `entry`, a mock server that approves at once, and a context whose pages use it. */
async function start(entry: 'vueApp.ts' | 'svelteApp.ts') {
  const app = await serveApp(entry)
  const mock: MockServer = createMockServer({ autoApprove: true, clients: [{ clientId, redirectUris: [`${app.url}/callback`] }] })
  const listener = await mock.listen(0, '127.0.0.1')
  const context = await browser.newContext()
  await context.addInitScript((config) => Object.assign(window, { __CONFIG__: config }), { issuer: listener.url, clientId })
  const errors: string[] = []
  const open = async (path: string) => {
    const page = await context.newPage()
    page.on('pageerror', (error) => errors.push(String(error)))
    // Every status a tab showed, in order: a flash of signedOut would be seen here.
    await page.addInitScript(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = [])
      new MutationObserver(() => {
        const status = document.querySelector('#status')?.textContent
        if (status && status !== seen.at(-1)) seen.push(status)
      }).observe(document, { subtree: true, childList: true, characterData: true })
    })
    await page.goto(app.url + path)
    return page
  }
  const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: string[] }).seen)
  const close = async (context: BrowserContext, app: FrameworkApp) => {
    await context.close()
    await listener.close()
    await app.close()
  }
  return { app, mock, open, seen, errors, close: () => close(context, app) }
}

describe('@pkce-auth/vue in Chromium (vue-router, requireAuth)', () => {
  it('a guarded route signs in and comes back to it; the other tab follows; after sign-out the guard goes to fallback', async () => {
    const test = await start('vueApp.ts')
    const page = await test.open('/settings?tab=2')
    await expect.poll(() => text(page, '#status'), { timeout: 15_000 }).toBe('signedIn')
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/settings?tab=2')
    expect(await text(page, '#page')).toBe('/settings')
    expect(await text(page, '#user')).toBe('Ada Lovelace')
    // The callback page read loading until the code was exchanged: never signedOut on the way in.
    expect(await test.seen(page)).toEqual(['loading', 'signedIn'])
    expect(test.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')).toHaveLength(1)

    const other = await test.open('/')
    await expect.poll(() => text(other, '#status')).toBe('signedIn')
    expect(await test.seen(other)).toEqual(['loading', 'signedIn'])
    await page.click('#sign-out')
    await expect.poll(() => text(other, '#status')).toBe('signedOut')

    // Signed out by the user (in the other tab): the guard starts no sign-in, it goes to fallback.
    const tokenRequests = test.mock.requests.list().length
    await other.click('#to-settings')
    await expect.poll(() => text(other, '#page')).toBe('/signed-out')
    expect(new URL(other.url()).pathname).toBe('/signed-out')
    expect(test.mock.requests.list().slice(tokenRequests).filter((entry) => entry.path.includes('authorize'))).toEqual([])
    expect(test.errors).toEqual([])
    await test.close()
  })
})

describe('@pkce-auth/svelte in Chromium ($auth and auth.current)', () => {
  it('signs in, the callback handled once with no flash of signedOut; the other tab follows sign-in and sign-out', async () => {
    const test = await start('svelteApp.ts')
    const page = await test.open('/')
    await expect.poll(() => text(page, '#status')).toBe('signedOut')
    const other = await test.open('/')
    await expect.poll(() => text(other, '#status')).toBe('signedOut')

    await page.click('#sign-in')
    await expect.poll(() => text(page, '#status'), { timeout: 15_000 }).toBe('signedIn')
    expect(await text(page, '#current')).toBe('signedIn')
    expect(await text(page, '#user')).toBe('Ada Lovelace')
    expect(new URL(page.url()).pathname).toBe('/account')
    expect(new URL(page.url()).search).toBe('')
    expect(await test.seen(page)).toEqual(['loading', 'signedIn'])
    expect(test.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')).toHaveLength(1)

    await expect.poll(() => text(other, '#status')).toBe('signedIn')
    expect(await text(other, '#current')).toBe('signedIn')
    await page.click('#sign-out')
    await expect.poll(() => text(other, '#status')).toBe('signedOut')
    expect(await text(other, '#current')).toBe('signedOut')
    expect(test.errors).toEqual([])
    await test.close()
  })
})
