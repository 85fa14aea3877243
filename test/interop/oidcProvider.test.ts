// The unchanged core in Chromium against panva's oidc-provider, a second, independent authorization
// server, in the configurations people run. Each test gets its own provider, app origin and browser
// context in one shared Chromium, and asserts on what reached the provider's server and on the state.
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../e2e/harness'
import { account, claimsOf, startInterop } from './providerHarness'
import type { Interop, InteropOptions } from './providerHarness'

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

const start = async (options: Omit<InteropOptions, 'browser'> = {}) => (interop = await startInterop({ ...options, browser }))
const posts = (i: Interop, path: string) => i.requests().filter((r) => r.method === 'POST' && r.path.endsWith(path))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A signed-in tab. */
async function signedIn(i: Interop) {
  const page = await i.openTab()
  expect(await i.signIn(page)).toBeUndefined()
  return page
}

/** The access token's audience, read through `getAccessToken()` (forcing a refresh when asked). */
async function audience(i: Interop, page: Page, forceRefresh = false) {
  const { token, error } = await i.getAccessToken(page, { forceRefresh })
  expect(error).toBeUndefined()
  return claimsOf(token)?.aud
}

describe('RFC 9207: iss is always sent', () => {
  it('signs in with the server\'s iss, and rejects a forged or a missing iss with nothing sent or stored', async () => {
    const i = await start()
    const page = await i.openTab()
    for (const forge of [(url: URL) => url.searchParams.set('iss', 'http://127.0.0.1:1/'), (url: URL) => url.searchParams.delete('iss')]) {
      const callback = new URL(await i.captureCallback(page))
      expect(callback.searchParams.get('iss')).toBe(i.issuer)
      forge(callback)
      expect(await i.completeCallback(page, callback.href)).toMatchObject({ code: 'invalid_response' })
      expect(await i.state(page)).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    }
    expect(posts(i, '/token')).toHaveLength(0)
    // Nothing stored: a reload finds no session.
    await page.goto(`${i.appUrl}/app.html`)
    await i.waitForStatus(page, 'signedOut')
    expect(await i.state(page)).toEqual({ status: 'signedOut' })
    expect(await i.signIn(page)).toBeUndefined()
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user: { sub: account.sub } })
  })
})

describe('RFC 8707 resource indicators', () => {
  const api = 'https://api.example/'
  const files = 'https://files.example/'
  const resourceIndicators = (defaultResource?: unknown) => ({
    enabled: true,
    getResourceServerInfo: async () => ({ scope: 'api:read', accessTokenFormat: 'jwt' }),
    ...(defaultResource ? { defaultResource } : {}),
  })

  it('gets a token for the API (aud) with one resource, before and after a refresh', async () => {
    const i = await start({
      provider: { features: { resourceIndicators: resourceIndicators() } },
      client: { scope: 'openid api:read', resource: api },
    })
    const page = await signedIn(i)
    expect(await audience(i, page)).toBe(api)
    expect(await audience(i, page, true)).toBe(api)
    expect(i.tokenBodies().map((body) => [body.get('grant_type'), body.getAll('resource')])).toEqual([
      ['authorization_code', [api]],
      ['refresh_token', [api]],
    ])
  })

  it('signs in with two resources, and gets a token for the one the server picks, before and after a refresh', async () => {
    // oidc-provider issues a token for one audience: a deployment says which (here the first asked for).
    const i = await start({
      provider: { features: { resourceIndicators: resourceIndicators(async (_ctx: unknown, _client: unknown, oneOf?: string[]) => oneOf?.[0]) } },
      client: { scope: 'openid api:read', resource: [api, files] },
    })
    const page = await signedIn(i)
    expect(await audience(i, page)).toBe(api)
    expect(await audience(i, page, true)).toBe(api)
    expect(i.tokenBodies().map((body) => body.getAll('resource'))).toEqual([[api, files], [api, files]])
  })
})

describe('discovery', () => {
  it('finds OpenID-only metadata when the RFC 8414 location answers 404 without CORS, asking each location once', async () => {
    const i = await start({ mountPath: '/oidc' })
    const page = await signedIn(i)
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user: { sub: account.sub } })
    const discovery = i.requests().filter((r) => r.path.includes('/.well-known/'))
    expect(discovery).toEqual([
      { method: 'GET', path: '/.well-known/oauth-authorization-server/oidc' },
      { method: 'GET', path: '/oidc/.well-known/openid-configuration' },
    ])
  })
})

describe('refresh tokens', () => {
  it('keeps a refresh token the server does not rotate, across refreshes', async () => {
    const i = await start({ provider: { rotateRefreshToken: false } })
    const page = await signedIn(i)
    const first = await i.getAccessToken(page)
    const second = await i.getAccessToken(page, { forceRefresh: true })
    const third = await i.getAccessToken(page, { forceRefresh: true })
    expect(new Set([first.token, second.token, third.token]).size).toBe(3)
    const sent = i.tokenBodies().filter((body) => body.get('grant_type') === 'refresh_token').map((body) => body.get('refresh_token'))
    expect(sent).toHaveLength(2)
    expect(sent[0]).toBe(sent[1])
    expect(await i.state(page)).toMatchObject({ status: 'signedIn' })
    expect(await i.state(page)).not.toHaveProperty('error')
  })

  it('signs out with session_expired after one refresh when the refresh token expired while the tab slept', async () => {
    const i = await start({ provider: { ttl: { AccessToken: 60, RefreshToken: 1 } } })
    const page = await signedIn(i)
    const { expiresAt } = await i.state(page)
    // The tab sleeps past the refresh token's expiry at the server, and its access token's on its own clock.
    await sleep(1_500)
    await page.evaluate((ms) => void ((window as unknown as { clockOffsetMs: number }).clockOffsetMs += ms), expiresAt! - Date.now() + 1_000)
    const outcome = await i.getAccessToken(page)
    expect(outcome.error).toMatchObject({ code: 'invalid_grant' })
    expect(await i.state(page)).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
    // No loop: the timer, the wake listeners and another read send nothing more.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))
    expect((await i.getAccessToken(page)).error).toMatchObject({ code: 'login_required' })
    await sleep(1_000)
    expect(posts(i, '/token')).toHaveLength(2)
    expect(i.tokenBodies().map((body) => body.get('grant_type'))).toEqual(['authorization_code', 'refresh_token'])
  })
})

describe('userinfo', () => {
  it('merges the userinfo claims into user, keeps them across a reload and a refresh, with no userinfo request then', async () => {
    const i = await start({ client: { scope: 'openid profile email', userInfo: true } })
    const page = await signedIn(i)
    const user = { sub: account.sub, name: account.name, email: account.email, email_verified: true }
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user })
    const userinfo = () => i.requests().filter((r) => r.method === 'GET' && r.path.endsWith('/me'))
    expect(userinfo()).toHaveLength(1)

    const before = i.requests().length
    await page.reload()
    await i.waitForStatus(page, 'signedIn')
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user })
    expect(i.requests()).toHaveLength(before)

    await i.getAccessToken(page, { forceRefresh: true })
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user })
    expect(userinfo()).toHaveLength(1)
  })
})

describe('userinfo that fails', () => {
  it('keeps the sign-in (with the ID token\'s claims) and shows the failure as error on the signed-in state', async () => {
    // A token for an API (RFC 8707) is refused at userinfo (401 invalid_token): a real server's answer, not an injected fault.
    const i = await start({
      provider: {
        features: {
          resourceIndicators: { enabled: true, getResourceServerInfo: async () => ({ scope: 'api:read', accessTokenFormat: 'jwt' }) },
        },
      },
      client: { scope: 'openid profile api:read', resource: 'https://api.example/', userInfo: true },
    })
    const page = await signedIn(i)
    const state = await i.state(page)
    expect(state).toMatchObject({ status: 'signedIn', user: { sub: account.sub }, error: { code: 'oauth_error' } })
    expect(i.requests().filter((r) => r.method === 'GET' && r.path.endsWith('/me'))).toHaveLength(1)
    expect((await i.getAccessToken(page)).token).toEqual(expect.any(String))
  })
})

describe('a token endpoint without CORS', () => {
  it('sends the code once, and rejects with exchange_failed saying what to check', async () => {
    const i = await start({ provider: { clientBasedCORS: () => false } })
    const page = await i.openTab()
    const error = await i.signIn(page)
    expect(error).toMatchObject({ code: 'exchange_failed' })
    expect(error!.message).toContain('CORS')
    expect(error!.message).toContain(`${i.issuer}/token`)
    expect(posts(i, '/token')).toHaveLength(1)
    expect(await i.state(page)).toMatchObject({ status: 'signedOut', reason: 'callback_failed', error: { code: 'exchange_failed' } })
  })
})

describe('DPoP (RFC 9449) required, with server nonces', () => {
  const dpopProvider = {
    provider: { features: { dPoP: { enabled: true, nonceSecret: Buffer.alloc(32, 7), requireNonce: () => true } } },
    clientMetadata: { dpop_bound_access_tokens: true },
    plugins: '[PkceAuth.dpop()]',
  }

  it('signs in, refreshes and calls userinfo with proofs, answering each use_dpop_nonce once', async () => {
    const i = await start(dpopProvider)
    const page = await signedIn(i)
    expect(await i.state(page)).toMatchObject({ status: 'signedIn' })
    const exchanges = posts(i, '/token')
    // The first token request learns the nonce (use_dpop_nonce), the second succeeds; no more.
    expect(exchanges).toHaveLength(2)
    const { token, error } = await i.getAccessToken(page, { forceRefresh: true })
    expect(error).toBeUndefined()
    expect(posts(i, '/token')).toHaveLength(3)
    const status = await page.evaluate(
      (url) => (window as unknown as { auth: { fetch(url: string): Promise<Response> } }).auth.fetch(url).then((r) => r.status),
      `${i.issuer}/me`,
    )
    expect(status).toBe(200)
    expect(token).toBeTruthy()
  })

  it('reads userinfo at sign-in with a proof of the session key (option userInfo)', async () => {
    const i = await start({ ...dpopProvider, client: { scope: 'openid profile', userInfo: true } })
    const page = await signedIn(i)
    // The claims come from userinfo (the ID token of oidc-provider carries no profile claims by default).
    const state = await i.state(page)
    expect(state).toMatchObject({ status: 'signedIn', user: { sub: account.sub, name: account.name } })
    expect(state.error).toBeUndefined()
    const userinfo = i.requests().filter((r) => r.method === 'GET' && r.path === '/me')
    // At most once more, for a nonce the provider asked for.
    expect(userinfo.length).toBeGreaterThanOrEqual(1)
    expect(userinfo.length).toBeLessThanOrEqual(2)
  })

  it('revokes the bound tokens at sign-out without a proof (RFC 9449 defines none for revocation)', async () => {
    const i = await start({ ...dpopProvider, provider: { features: { ...dpopProvider.provider.features, revocation: { enabled: true } } } })
    const page = await signedIn(i)
    const answers: { status: number; dpop: boolean }[] = []
    i.context.on('response', (response) => {
      const request = response.request()
      if (request.method() === 'POST' && request.url() === `${i.issuer}/token/revocation`) answers.push({ status: response.status(), dpop: 'dpop' in request.headers() })
    })
    await page.evaluate(() => (window as unknown as { auth: { signOut(): Promise<void> } }).auth.signOut())
    expect(answers).toEqual([{ status: 200, dpop: false }, { status: 200, dpop: false }])
    expect(await i.state(page)).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
  })

  it('refuses to sign in without a proof: the same provider, a client without dpop()', async () => {
    const i = await start({ ...dpopProvider, plugins: '[]' })
    const page = await i.openTab()
    // oidc-provider: "grant request is invalid" for a DPoP-bound client's request without a proof.
    expect(await i.signIn(page)).toMatchObject({ code: 'invalid_grant' })
    expect(await i.state(page)).toMatchObject({ status: 'signedOut' })
  })
})
