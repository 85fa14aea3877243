// `@pkce-auth/core/resources` in Chromium against oidc-provider with RFC 8707 resource indicators and
// two APIs: one token per API from the session's refresh token, each for its own audience, under the
// one refresh lock while the provider rotates the refresh token, kept with the session across reloads
// and tabs.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../e2e/harness'
import { claimsOf, startInterop } from './providerHarness'
import type { Interop } from './providerHarness'

const api = 'https://api.example/'
const files = 'https://files.example/'

let browser: Browser
let interop: Interop | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach(async () => {
  await interop?.close()
  interop = undefined
})
afterAll(async () => {
  await browser?.close()
})

/** Both APIs known to the provider (JWT access tokens); the session's own token is for the first asked for. */
const start = async (provider: Record<string, unknown> = {}) =>
  (interop = await startInterop({
    browser,
    provider: {
      features: {
        resourceIndicators: {
          enabled: true,
          defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf?.[0],
          getResourceServerInfo: async () => ({ scope: 'api:read', accessTokenFormat: 'jwt' }),
        },
      },
      ...provider,
    },
    client: { scope: 'openid api:read', resource: [api, files] },
  }))

/** Calls `forResource(auth, resource).getAccessToken()` in the page, once per resource, all at once. */
const tokensFor = (page: Page, resources: string[]) =>
  page.evaluate((resources) => {
    const w = window as any
    w.handles ??= {}
    return Promise.all(resources.map((resource) => (w.handles[resource] ??= w.PkceAuth.forResource(w.auth, resource)).getAccessToken().then(
      (token: string) => ({ token }),
      (error: any) => ({ error: { code: error.code, error: error.error, message: error.message } }),
    )))
  }, resources)

const refreshes = (i: Interop) => i.tokenBodies().filter((body) => body.get('grant_type') === 'refresh_token')

async function signedIn(i: Interop) {
  const page = await i.openTab()
  expect(await i.signIn(page)).toBeUndefined()
  return page
}

describe('forResource against oidc-provider (RFC 8707)', () => {
  it('gets a token per API, each for its own audience, one request at a time while the refresh token rotates', async () => {
    const i = await start()
    const page = await signedIn(i)
    const [forApi, forFiles] = await tokensFor(page, [api, files])
    expect(claimsOf(forApi!.token)?.aud).toBe(api)
    expect(claimsOf(forFiles!.token)?.aud).toBe(files)
    // Two refresh grants, each for one API alone, the second presenting the refresh token the first rotated.
    const sent = refreshes(i)
    expect(sent.map((body) => body.getAll('resource').join()).sort()).toEqual([api, files])
    expect(new Set(sent.map((body) => body.get('refresh_token'))).size).toBe(2)
    // The session kept its rotated refresh token: its own refresh works, and both tokens are still at hand.
    const { token, error } = await i.getAccessToken(page, { forceRefresh: true })
    expect(error).toBeUndefined()
    expect(claimsOf(token)?.aud).toBe(api)
    expect(await i.state(page)).toMatchObject({ status: 'signedIn' })
  })

  it('rejects a resource the server does not serve with invalid_target, naming it, and keeps the session', async () => {
    // The provider spends a rotating refresh token before it checks the resource: without rotation, the session stays.
    const i = await start({ rotateRefreshToken: false })
    const page = await signedIn(i)
    const [unknown] = await tokensFor(page, ['https://unknown.example/'])
    expect(unknown!.error).toMatchObject({ code: 'oauth_error', error: 'invalid_target', message: expect.stringContaining('https://unknown.example/') })
    const [forFiles] = await tokensFor(page, [files])
    expect(claimsOf(forFiles!.token)?.aud).toBe(files)
    expect(await i.state(page)).toMatchObject({ status: 'signedIn' })
  })

  it('with rotation, oidc-provider spends the refresh token before refusing the resource: the session ends at its next refresh', async () => {
    const i = await start()
    const page = await signedIn(i)
    expect((await tokensFor(page, ['https://unknown.example/']))[0]!.error).toMatchObject({ error: 'invalid_target' })
    expect((await i.getAccessToken(page, { forceRefresh: true })).error).toMatchObject({ code: 'invalid_grant' })
    expect(await i.state(page)).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
  })

  it('restores both tokens after a reload, and a second tab uses the first tab\'s, with no request', async () => {
    const i = await start()
    const page = await signedIn(i)
    const second = await i.openTab()
    const first = await tokensFor(page, [api, files])
    const count = i.tokenBodies().length
    await page.reload()
    await i.waitForStatus(page, 'signedIn')
    expect(await tokensFor(page, [api, files])).toEqual(first)
    // The second tab was open before the tokens were got: it finds them in storage.
    expect(await tokensFor(second, [api, files])).toEqual(first)
    expect(i.tokenBodies()).toHaveLength(count)
  })

  it('a tab that asked for no API token refreshes with the refresh token another tab\'s API request rotated', async () => {
    const i = await start()
    const page = await signedIn(i)
    const second = await i.openTab()
    await tokensFor(page, [files])
    // Its own refreshes present the latest refresh token (a spent one would end the session in every tab).
    for (const _ of [1, 2]) expect((await i.getAccessToken(second, { forceRefresh: true })).error).toBeUndefined()
    const [byFirst, ...bySecond] = refreshes(i)
    expect(bySecond.length).toBeGreaterThan(0)
    expect(bySecond.map((body) => body.get('refresh_token'))).not.toContain(byFirst!.get('refresh_token'))
    expect(await i.state(page)).toMatchObject({ status: 'signedIn' })
    expect(await i.state(second)).toMatchObject({ status: 'signedIn' })
  })

  it('keeps each API\'s token through a refresh of the session, here and when another tab rotated the refresh token', async () => {
    const i = await start()
    const page = await signedIn(i)
    const second = await i.openTab()
    const first = await tokensFor(page, [api, files])
    expect(first.map((outcome) => claimsOf(outcome.token)?.aud)).toEqual([api, files])
    // This tab refreshes its session: both API tokens are still valid and stay with it.
    expect((await i.getAccessToken(page, { forceRefresh: true })).error).toBeUndefined()
    let count = i.tokenBodies().length
    expect(await tokensFor(page, [api, files])).toEqual(first)
    expect(i.tokenBodies()).toHaveLength(count)
    // The other tab refreshes it (the provider rotates the refresh token); this tab follows it and keeps them too.
    const before = (await i.getAccessToken(page)).token
    const { token: renewed, error } = await i.getAccessToken(second, { forceRefresh: true })
    expect(error).toBeUndefined()
    await page.waitForFunction((token) => (window as any).auth.getAccessToken().then((t: string) => t === token), renewed)
    expect(renewed).not.toBe(before)
    count = i.tokenBodies().length
    expect(await tokensFor(page, [api, files])).toEqual(first)
    expect(await tokensFor(second, [api, files])).toEqual(first)
    expect(i.tokenBodies()).toHaveLength(count)
  })

  it('keeps an API\'s token that another tab got when this tab refreshes the session (no rotation: it did not follow that change)', async () => {
    const i = await start({ rotateRefreshToken: false })
    const page = await signedIn(i)
    const second = await i.openTab()
    const [forApi] = await tokensFor(page, [api])
    expect(claimsOf(forApi!.token)?.aud).toBe(api)
    // The second tab's session in hand has no API token: its refresh must not write one less to storage.
    expect((await i.getAccessToken(second, { forceRefresh: true })).error).toBeUndefined()
    const count = i.tokenBodies().length
    expect(await tokensFor(second, [api])).toEqual([forApi])
    await page.reload()
    await i.waitForStatus(page, 'signedIn')
    expect(await tokensFor(page, [api])).toEqual([forApi])
    expect(i.tokenBodies()).toHaveLength(count)
  })

  // The client sends its resources with every token request (RFC 8707 §2.2): only `defaultResource` picking one of them helps.
  it.each([
    ['its defaults', {}],
    ['useGrantedResource alone', { useGrantedResource: async () => true }],
  ])('with %s, oidc-provider refuses the code exchange for two resources with invalid_target', async (_, config) => {
    const i = (interop = await startInterop({
      browser,
      provider: {
        features: { resourceIndicators: { enabled: true, getResourceServerInfo: async () => ({ scope: 'api:read', accessTokenFormat: 'jwt' }), ...config } },
      },
      client: { scope: 'openid api:read', resource: [api, files] },
    }))
    const page = await i.openTab()
    expect(await i.signIn(page)).toMatchObject({ code: 'oauth_error', message: expect.stringContaining('invalid_target: only a single resource indicator') })
    expect(i.tokenBodies().map((body) => body.getAll('resource'))).toEqual([[api, files]])
    expect(await i.state(page)).toMatchObject({ status: 'signedOut' })
  })

  it('drops every API\'s token at sign-out', async () => {
    const i = await start()
    const page = await signedIn(i)
    await tokensFor(page, [api])
    await page.evaluate(() => (window as any).auth.signOut())
    expect(await tokensFor(page, [api])).toMatchObject([{ error: { code: 'login_required' } }])
    await page.reload()
    await i.waitForStatus(page, 'signedOut')
    expect(await tokensFor(page, [api])).toMatchObject([{ error: { code: 'login_required' } }])
  })
})
