import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { artifactPath, signInThroughConsent, startPlayground } from './playgroundServer'
import type { Playground, PlaygroundMock } from './playgroundServer'

const status = (page: Page) => page.locator('[data-testid=status]')
const timelineTitles = (page: Page) => page.locator('#timeline li strong').allTextContents()
const timelineKinds = (page: Page) => page.locator('#timeline li').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind')))

describe('playground in Chromium', () => {
  let playground: Playground
  let mock: PlaygroundMock
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    playground = await startPlayground()
    // Six more clients of the signed-in user, so the clients list has a second page.
    mock = await playground.startMock({
      clients: Array.from({ length: 6 }, (_, i) => ({ clientId: `seeded-${i + 1}`, name: `Seeded app ${i + 1}`, redirectUris: ['https://app.example/callback'] })),
    })
  })

  afterEach(async () => {
    mock.mock.faults.clear()
    await Promise.all(contexts.splice(0).map((context) => context.close()))
  })

  afterAll(async () => {
    await playground?.close()
  })

  /** A fresh context (own storage) on the shared mock, and a tab in it on `path`. */
  const freshTab = async (path = '/', on = mock, config = {}) => {
    const context = await playground.newContext(on, config)
    contexts.push(context)
    const page = await playground.open(context, path)
    await expect.poll(() => status(page).textContent()).not.toBe('Loading…')
    return { context, page }
  }

  it('signs in through the consent page and comes back to the section it left', async () => {
    const { page } = await freshTab('/#api')
    await expect.poll(() => status(page).textContent()).toBe('Signed out')

    await signInThroughConsent(page)

    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    expect(await page.locator('#user-name').textContent()).toBe('Ada Lovelace')
    expect(await page.locator('#scopes li').allTextContents()).toEqual(['admin', 'openid', 'profile', 'email'])
    const url = new URL(page.url())
    expect(url.pathname + url.search + url.hash).toBe('/#api')
    expect(await timelineKinds(page)).toEqual(['signedIn', 'note'])
    expect(mock.mock.requests.list().filter((entry) => entry.grantType === 'authorization_code')).toMatchObject([{ status: 200 }])
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('shows a readable error and stays signed out when consent is denied', async () => {
    const { page } = await freshTab()

    await signInThroughConsent(page, 'deny')

    await expect.poll(() => page.locator('#auth-error').textContent()).toContain('You declined the request')
    expect(await status(page).textContent()).toBe('Signed out')
    expect(new URL(page.url()).search).toBe('')
    expect(await timelineKinds(page)).toEqual(['ended', 'note'])
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('keeps the session across a reload with no token request', async () => {
    const { page } = await freshTab()
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    mock.mock.requests.clear()

    await page.reload()

    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    expect(await page.locator('#user-name').textContent()).toBe('Ada Lovelace')
    expect(mock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')).toEqual([])
    expect((await timelineKinds(page))[0]).toBe('restored')
  })

  it('lists grants and clients page by page, creates a client, and ends the session when its own grant is revoked', async () => {
    const { page } = await freshTab()
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')

    await expect.poll(() => page.locator('#grants tbody tr').count()).toBe(1)
    expect(await page.locator('#grants tbody tr').getAttribute('data-client-id')).toBe('pkce-auth-playground')
    await expect.poll(() => page.locator('#clients tbody tr').count()).toBe(5)
    await page.locator('#api .pager').nth(1).getByText('Next').click()
    await expect.poll(() => page.locator('#clients tbody tr').count()).toBe(2)

    await page.fill('#client-name', 'Made in the playground')
    await page.click('#create-client')
    await expect.poll(() => mock.mock.clients.list().some((client) => client.name === 'Made in the playground')).toBe(true)
    await expect.poll(() => page.locator('#clients').textContent()).toContain('Made in the playground')

    await page.locator('#grants tbody tr[data-client-id="pkce-auth-playground"] button').click()

    await expect.poll(() => status(page).textContent()).toBe('Signed out')
    expect(await page.locator('#auth-error').textContent()).toContain('The server ended your session')
    expect(mock.mock.grants.list().filter((grant) => grant.clientId === 'pkce-auth-playground')).toEqual([])
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('keeps two tabs in step: a refresh in one reaches the other, and so does signing out', async () => {
    const { context, page: first } = await freshTab()
    await signInThroughConsent(first)
    await expect.poll(() => status(first).textContent()).toBe('Signed in')
    const second = await playground.open(context)
    await expect.poll(() => status(second).textContent()).toBe('Signed in')
    mock.mock.requests.clear()

    await first.click('#force-refresh')

    await expect.poll(() => timelineTitles(second)).toContain('Token refreshed by another tab')
    expect(await timelineTitles(first)).toContain('Token refreshed on demand')
    expect(mock.mock.requests.list().filter((entry) => entry.grantType === 'refresh_token')).toHaveLength(1)

    await second.click('#sign-out')

    await expect.poll(() => status(second).textContent()).toBe('Signed out')
    await expect.poll(() => status(first).textContent(), { timeout: 5_000 }).toBe('Signed out')
  })

  it('signs out: revokes the tokens and stays signed out on reload', async () => {
    const { page } = await freshTab()
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    mock.mock.requests.clear()

    await page.click('#sign-out')

    await expect.poll(() => status(page).textContent()).toBe('Signed out')
    await expect.poll(() => mock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/revoke').length).toBe(2)
    expect((await timelineKinds(page))[0]).toBe('signedOut')
    await page.reload()
    await expect.poll(() => status(page).textContent()).toBe('Signed out')
    expect(mock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')).toEqual([])
  })

  it('refreshes before a short-lived token expires, and on demand', async () => {
    // 5-second tokens, refreshed 2 s before expiry: a genuine expiry-driven refresh every ~3 s.
    const quick = await playground.startMock({ accessTokenTtl: 5 })
    const { page } = await freshTab('/', quick, { refreshLeewaySeconds: 2 })
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    const refreshes = () => quick.mock.requests.list().filter((entry) => entry.grantType === 'refresh_token' && entry.status === 200).length

    await expect.poll(refreshes, { timeout: 10_000 }).toBeGreaterThanOrEqual(2)
    expect(await status(page).textContent()).toBe('Signed in')
    expect(await timelineTitles(page)).toContain('Token refreshed on schedule')

    const before = refreshes()
    await page.click('#force-refresh')
    await expect.poll(refreshes).toBeGreaterThan(before)
    expect(await status(page).textContent()).toBe('Signed in')
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('rides out two 503s from the token endpoint when a refresh is forced', async () => {
    const { page } = await freshTab()
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    mock.mock.requests.clear()

    await page.click('#fault-503')

    await expect.poll(() => page.locator('#fault-outcome').textContent(), { timeout: 20_000 }).toMatch(/^Refreshed after/)
    expect(await status(page).textContent()).toBe('Signed in')
    expect((await timelineTitles(page)).slice(0, 3)).toEqual(['Token refreshed on demand', 'HTTP 503: retrying', 'HTTP 503: retrying'])
    expect(mock.mock.requests.list().filter((entry) => entry.grantType === 'refresh_token').map((entry) => entry.status)).toEqual([503, 503, 200])
  })

  it('waits out a 429 with Retry-After, then ends the session cleanly when the refresh token is revoked', async () => {
    const { page } = await freshTab()
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')

    await page.click('#fault-429')

    await expect.poll(() => page.locator('#fault-outcome').textContent(), { timeout: 20_000 }).toMatch(/^Refreshed after/)
    expect((await timelineTitles(page)).slice(0, 2)).toEqual(['Token refreshed on demand', 'HTTP 429: retrying'])

    await page.click('#fault-revoke')

    await expect.poll(() => status(page).textContent()).toBe('Signed out')
    expect(await page.locator('#auth-error').textContent()).toContain('The server ended your session')
    expect((await timelineTitles(page))[0]).toBe('Session ended by the server')
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('with its DPoP switch on, shows the token type and the proof header of the last API call', async () => {
    const dpopMock = await playground.startMock({ dpop: true })
    const { page } = await freshTab('/', dpopMock, { dpop: true })
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    await expect.poll(() => page.locator('#dpop-scheme').textContent()).toBe('DPoP')
    expect(await page.locator('#dpop h2').textContent()).toBe('DPoP on')
    expect(await page.locator('#dpop-proof').textContent()).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/)
    // The bound token was accepted: the mock refuses it as Bearer, or with a proof it cannot verify.
    // (StrictMode loads the list twice.)
    const grantCalls = () => dpopMock.mock.requests.list().filter((entry) => entry.path === '/v2/oauth_grants' && entry.method === 'GET')
    await expect.poll(() => grantCalls().length).toBeGreaterThan(0)
    expect(grantCalls().map((entry) => entry.status)).toEqual(grantCalls().map(() => 200))
    expect(playground.pageErrors(page)).toEqual([])
  })

  it('saves a screenshot of the signed-in playground', async () => {
    // Two-minute tokens, as `npm run dev` has them.
    const { page } = await freshTab('/', await playground.startMock({ accessTokenTtl: 120 }))
    await signInThroughConsent(page)
    await expect.poll(() => status(page).textContent()).toBe('Signed in')
    await page.click('#fault-503')
    await expect.poll(() => page.locator('#fault-outcome').textContent(), { timeout: 20_000 }).toBeTruthy()
    await expect.poll(() => page.locator('#grants tbody tr').count()).toBe(1)

    await page.screenshot({ path: await artifactPath('playground-signed-in.png'), fullPage: true })
  })
})
