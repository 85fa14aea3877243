import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInThroughConsent, startPlayground, strictCsp } from './playgroundServer'
import type { Playground, PlaygroundMock } from './playgroundServer'

declare global {
  interface Window {
    violations: string[]
  }
}

const status = (page: Page) => page.locator('#status').textContent()

describe('plain.html (script tag) in Chromium', () => {
  let playground: Playground
  let mock: PlaygroundMock

  beforeAll(async () => {
    playground = await startPlayground()
    mock = await playground.startMock()
  })

  afterAll(async () => {
    await playground?.close()
  })

  it("signs in, shows the user, calls the API and signs out under script-src 'self' without a CSP violation", async () => {
    const context = await playground.newContext(mock)
    // Every CSP violation of every page, reported by the browser itself.
    await context.addInitScript(() => {
      window.violations = []
      document.addEventListener('securitypolicyviolation', (event) => window.violations.push(`${event.violatedDirective} ${event.blockedURI}`))
    })
    const page = await context.newPage()
    const console: string[] = []
    page.on('console', (message) => console.push(message.text()))
    page.on('pageerror', (error) => console.push(String(error)))

    const response = await page.goto(`${playground.appUrl}/plain.html`)
    expect(response?.headers()['content-security-policy']).toBe(strictCsp)
    await expect.poll(() => status(page)).toBe('signed out')

    await signInThroughConsent(page)

    await expect.poll(() => status(page)).toBe('signed in')
    expect(new URL(page.url()).pathname).toBe('/plain.html')
    expect(new URL(page.url()).search).toBe('')
    expect(await page.locator('#user-name').textContent()).toBe('Ada Lovelace')
    expect(await page.locator('#user-email').textContent()).toBe('ada@example.com')

    await page.click('#call-api')
    await expect.poll(() => page.locator('#api-result').textContent()).toContain('1 grant(s)')
    expect(await page.locator('#api-result').textContent()).toContain('pkce-auth-playground: admin openid profile email')
    expect(mock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth_grants' && entry.method === 'GET')).toMatchObject([{ status: 200 }])

    await page.click('#sign-out')
    await expect.poll(() => status(page)).toBe('signed out')
    await expect.poll(() => mock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/revoke').length).toBe(2)

    expect(await page.evaluate(() => window.violations)).toEqual([])
    expect(console.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([])
    expect(console.filter((text) => /error/i.test(text))).toEqual([])

    // The policy is really enforced, and a violation would have been seen: an inline script is refused.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('script'), { textContent: 'window.inlineRan = true' })))
    await expect.poll(() => page.evaluate(() => window.violations.length)).toBe(1)
    expect(await page.evaluate(() => 'inlineRan' in window)).toBe(false)
    await context.close()
  })

  it('shows why in plain words when consent is denied', async () => {
    const context = await playground.newContext(mock)
    const page = await context.newPage()
    await page.goto(`${playground.appUrl}/plain.html`)
    await expect.poll(() => status(page)).toBe('signed out')

    await signInThroughConsent(page, 'deny')

    await expect.poll(() => page.locator('#error').textContent()).toBe('You declined the request, so you are still signed out.')
    expect(await status(page)).toBe('signed out')
    await context.close()
  })
})
