// Issue 14 in Chromium: a session with the dpop() add-on against the mock server with DPoP on. The key
// lives in the browser's real IndexedDB, the tabs share it under the real Web Lock, and a thief in Node
// holding the tokens (but not the key) is refused.
import type { MockRequestEntry, MockServerOptions } from '@pkce-auth/mock-server'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, startHarness } from './harness'
import type { Harness } from './harness'

const TOKEN = '/v2/oauth/token'
const API = '/v2/oauth_grants'

const tokenRequests = (requests: MockRequestEntry[], grantType?: string) =>
  // Without the CORS preflights that the DPoP header brings.
  requests.filter((request) => request.path === TOKEN && request.method === 'POST' && (!grantType || request.grantType === grantType))

type KeyInfo = { jkt: string; extractable: boolean } | undefined

/** The page's DPoP key record, read from IndexedDB as it is stored; `remove` deletes it first. */
const keyRecord = (page: Page, remove = false) =>
  page.evaluate(async (remove): Promise<KeyInfo> => {
    const request = <T>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
    const db = await request(indexedDB.open('pkce-auth'))
    try {
      const store = (mode: IDBTransactionMode) => db.transaction('records', mode).objectStore('records')
      const key = (await request(store('readonly').getAllKeys())).find((key) => String(key).endsWith(':dpop-key'))
      if (key === undefined) return undefined
      if (remove) return void (await request(store('readwrite').delete(key)))
      const record = await request(store('readonly').get(key))
      return { jkt: record.jkt, extractable: record.keyPair.privateKey.extractable }
    } finally {
      db.close()
    }
  }, remove)

/** Runs `auth.fetch(url)` in the page; resolves to the status. */
const pageFetch = (page: Page, url: string) =>
  page.evaluate((url) => (window as unknown as { auth: { fetch(url: string): Promise<Response> } }).auth.fetch(url).then((r) => r.status), url)

describe('DPoP in Chromium', () => {
  let browser: Browser
  let harness: Harness | undefined

  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterEach(async () => {
    await harness?.close()
    harness = undefined
  })
  afterAll(async () => {
    await browser?.close()
  })

  const start = async (mockOptions: MockServerOptions = {}) =>
    (harness = await startHarness({ browser, plugins: '[PkceAuth.dpop()]', mockOptions: { dpop: true, ...mockOptions } }))

  /** What the mock says of a token (as a confidential caller would see it: the public client sees its own). */
  const introspect = async (h: Harness, token: string) =>
    (await fetch(`${h.mockUrl}/v2/oauth/introspect`, { method: 'POST', body: new URLSearchParams({ token, client_id: 'e2e-app' }) })).json()

  it('signs in with a non-extractable key and DPoP-bound tokens, calls the API with proofs, refuses the tokens replayed from Node without the key, and deletes the key before signOut() resolves', async () => {
    const h = await start()
    const tab = await h.openTab()
    await h.signIn(tab)
    const key = await keyRecord(tab)
    expect(key).toMatchObject({ extractable: false })
    const [tokens] = await h.settledTokenResponses()
    expect(tokens).toMatchObject({ token_type: 'DPoP' })
    expect(await introspect(h, tokens!.access_token as string)).toMatchObject({ active: true, cnf: { jkt: key!.jkt } })
    expect(await pageFetch(tab, `${h.mockUrl}${API}?page[number]=1`)).toBe(200)

    const { access_token: access, refresh_token: refresh } = tokens as Record<string, string>
    const api = `${h.mockUrl}${API}`
    // The thief's own key: a proof it can make, by a key the tokens are not bound to.
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const proof = async (htm: string, htu: string, ath?: string) =>
      new SignJWT({ htm, htu, jti: crypto.randomUUID(), ...(ath ? { ath } : {}) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
        .setIssuedAt()
        .sign(privateKey)
    const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(access))).toString('base64url')

    const asBearer = await fetch(api, { headers: { authorization: `Bearer ${access}` } })
    expect(asBearer.status).toBe(401)
    expect(asBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/)
    const withOtherKey = await fetch(api, { headers: { authorization: `DPoP ${access}`, dpop: await proof('GET', api, ath) } })
    expect(withOtherKey.status).toBe(401)

    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh!, client_id: 'e2e-app' })
    const noProof = await fetch(`${h.mockUrl}${TOKEN}`, { method: 'POST', body: form })
    expect(await noProof.json()).toMatchObject({ error: 'invalid_grant' })
    const otherProof = await fetch(`${h.mockUrl}${TOKEN}`, { method: 'POST', body: form, headers: { dpop: await proof('POST', `${h.mockUrl}${TOKEN}`) } })
    expect(await otherProof.json()).toMatchObject({ error: 'invalid_grant' })

    // Neither attempt spent the refresh token: the page still refreshes with it.
    expect(await h.getAccessToken(tab, { forceRefresh: true })).toHaveProperty('token')
    expect(await pageFetch(tab, api)).toBe(200)

    await tab.evaluate(() => (window as unknown as { auth: { signOut(): Promise<void> } }).auth.signOut())
    expect(await keyRecord(tab)).toBeUndefined()
    // Revoked, without proofs (RFC 9449 defines none for revocation): both tokens of the session.
    expect(h.requests().filter((r) => r.path === '/v2/oauth/revoke' && r.method === 'POST')).toMatchObject([{ status: 200 }, { status: 200 }])
  })

  it('refreshes across a nonce rotation with one retry, spending the refresh token once', async () => {
    const h = await start({ dpopNonce: true })
    const tab = await h.openTab()
    await h.signIn(tab)
    expect(tokenRequests(h.requests()).map((r) => r.status)).toEqual([400, 200])
    await fetch(`${h.mockUrl}/__mock/dpop-nonce`, { method: 'POST' })
    h.clearRequests()
    expect(await h.getAccessToken(tab, { forceRefresh: true })).toHaveProperty('token')
    expect(tokenRequests(h.requests(), 'refresh_token').map((r) => r.status)).toEqual([400, 200])
    await fetch(`${h.mockUrl}/__mock/dpop-nonce`, { method: 'POST' })
    expect(await pageFetch(tab, `${h.mockUrl}${API}`)).toBe(200)
    expect(h.requests().filter((r) => r.path === API && r.method === 'GET').map((r) => r.status)).toEqual([401, 200])
    expect((await h.state(tab)).status).toBe('signedIn')
  })

  it('gives two tabs signing in and refreshing at once one key and one refresh', async () => {
    const h = await start()
    const [a, b] = [await h.openTab(), await h.openTab()]
    const jkts: string[] = []
    h.context.on('request', (request) => {
      const url = new URL(request.url())
      if (url.pathname === '/v2/oauth/authorize') jkts.push(url.searchParams.get('dpop_jkt')!)
    })
    await Promise.all([h.signIn(a), h.signIn(b)])
    expect(jkts).toHaveLength(2)
    expect(jkts[0]).toBe(jkts[1])
    expect((await keyRecord(a))?.jkt).toBe(jkts[0])
    h.clearRequests()
    const [one, two] = await Promise.all([h.getAccessToken(a, { forceRefresh: true }), h.getAccessToken(b, { forceRefresh: true })])
    expect(one).toHaveProperty('token')
    expect(two).toEqual(one)
    expect(tokenRequests(h.requests(), 'refresh_token')).toMatchObject([{ status: 200 }])
    expect(await pageFetch(b, `${h.mockUrl}${API}`)).toBe(200)
  })

  it('fails the callback, sending nothing, when the key was deleted between the redirect and the callback', async () => {
    const h = await start()
    const helper = await h.openTab()
    const tab = await h.openTab()
    // While the tab is at the authorization server, the key goes (site data cleared, say).
    await tab.route(`${h.mockUrl}/v2/oauth/authorize**`, async (route) => {
      await keyRecord(helper, true)
      await route.continue()
    })
    await expect(h.signIn(tab)).rejects.toThrow(/invalid_grant/)
    expect(await h.state(tab)).toMatchObject({ status: 'signedOut', reason: 'callback_failed', error: { code: 'invalid_grant' } })
    expect(tokenRequests(h.requests())).toEqual([])
  })

  it('ends the session with a reason, without sending the refresh token, when the key is gone before a refresh', async () => {
    const h = await start()
    const tab = await h.openTab()
    await h.signIn(tab)
    await keyRecord(tab, true)
    h.clearRequests()
    expect(await h.getAccessToken(tab, { forceRefresh: true })).toMatchObject({ error: { code: 'invalid_grant' } })
    expect(await h.state(tab)).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
    expect(await h.getAccessToken(tab)).toMatchObject({ error: { code: 'login_required' } })
    expect(tokenRequests(h.requests())).toEqual([])
  })


  it('ends the session when the page loads without its key, in every tab, sending nothing', async () => {
    const h = await start()
    const [a, b] = await h.openSignedInTabs(2)
    // Site data cleared of the key alone (or IndexedDB lost it): the session record is still there.
    await keyRecord(a!, true)
    h.clearRequests()
    await h.reload(a!)
    expect(await h.state(a!)).toMatchObject({ status: 'signedOut', reason: 'session_expired', error: { code: 'invalid_grant' } })
    // Never shown signed in with tokens it cannot use.
    expect((await h.states(a!)).map((state) => state.status)).not.toContain('signedIn')
    // The other tab is told, as when a refresh ends the session.
    expect(await h.waitForStatus(b!, 'signedOut', { reason: 'session_expired' })).toMatchObject({ status: 'signedOut' })
    expect(tokenRequests(h.requests())).toEqual([])
    // Nothing is left stored: a new tab starts signed out.
    expect(await h.state(await h.openTab())).toMatchObject({ status: 'signedOut' })
  })

  it('sends a forResource handle\'s own token with a proof of the session key, answering a use_dpop_nonce once', async () => {
    const h = await start({ dpopNonce: true })
    const tab = await h.openTab()
    await h.signIn(tab)
    const resource = `${h.mockUrl}/v2`
    const api = `${h.mockUrl}${API}`
    const sent: { authorization: string | undefined; dpop: string | undefined }[] = []
    h.context.on('request', (request) => {
      if (request.url() === api && request.method() === 'GET') sent.push({ authorization: request.headers().authorization, dpop: request.headers().dpop })
    })
    type PageWindow = { auth: { getAccessToken(): Promise<string> }; PkceAuth: any; billing: any }
    const apiToken: string = await tab.evaluate((resource) => {
      const w = window as unknown as PageWindow
      w.billing = w.PkceAuth.forResource(w.auth, resource)
      return w.billing.getAccessToken()
    }, resource)
    // The per-API token came from a refresh grant with a proof: bound to the session key too.
    const key = await keyRecord(tab)
    expect(await introspect(h, apiToken)).toMatchObject({ active: true, cnf: { jkt: key!.jkt } })
    // The server moves to a new nonce: the API call is refused once (use_dpop_nonce), then goes through.
    const { nonce } = await (await fetch(`${h.mockUrl}/__mock/dpop-nonce`, { method: 'POST' })).json()
    h.clearRequests()
    const status = await tab.evaluate((api) => (window as unknown as PageWindow).billing.fetch(api).then((r: Response) => r.status), api)
    expect(status).toBe(200)
    expect(h.requests().filter((r) => r.path === API && r.method === 'GET').map((r) => r.status)).toEqual([401, 200])
    const sessionToken = await tab.evaluate(() => (window as unknown as PageWindow).auth.getAccessToken())
    expect(apiToken).not.toBe(sessionToken)
    const ath = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(apiToken))).toString('base64url')
    const claims = sent.map(({ dpop }) => JSON.parse(Buffer.from(dpop!.split('.')[1]!, 'base64url').toString()))
    expect(sent.map((request) => request.authorization)).toEqual([`DPoP ${apiToken}`, `DPoP ${apiToken}`])
    expect(claims).toMatchObject([{ htm: 'GET', htu: api, ath }, { htm: 'GET', htu: api, ath, nonce }])
  })
})
