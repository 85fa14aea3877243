import { AuthError, idbStorage } from '@pkce-auth/core'
import { dpop } from '@pkce-auth/core/dpop'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import type { TestClientOptions } from '../../../test/helpers/createTestClient'

const api = `${TEST_ISSUER}/v2/oauth_grants`

/** The `ath` of an access token: its base64url SHA-256 (RFC 9449 §4.2). */
const tokenHash = async (token: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('base64url')

/** A client with `dpop()` against a mock with DPoP on (and nonces, when asked). */
function dpopClient(options: TestClientOptions & { nonce?: boolean } = {}) {
  const { nonce = false, ...rest } = options
  return createTestClient({ plugins: [dpop()], ...rest, server: { dpop: true, dpopNonce: nonce, ...rest.server } })
}

const keyRecord = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:dpop-key`
const deleteKey = (clientId: string) => idbStorage().del(keyRecord(clientId))
const storedKey = (clientId: string) => idbStorage().get<{ jkt: string; keyPair: CryptoKeyPair }>(keyRecord(clientId))

/** The requests the client sent to `path`, as `Request`s. */
const sent = (test: ReturnType<typeof createTestClient>, path: string) =>
  test.fetch.mock.calls.map(([input, init]) => new Request(input, init)).filter((request) => new URL(request.url).pathname === path)

const tokenRequests = (test: ReturnType<typeof createTestClient>) =>
  test.mock.requests.list().filter((request) => request.path === '/v2/oauth/token')

const introspect = async (test: ReturnType<typeof createTestClient>, token: string) =>
  (await test.mock.fetch(`${TEST_ISSUER}/v2/oauth/introspect`, { method: 'POST', body: new URLSearchParams({ token, client_id: test.clientId }) })).json()

describe('dpop', () => {
  it('binds the session to one key: dpop_jkt at the authorization request, cnf.jkt on the tokens', async () => {
    const test = dpopClient()
    const callback = await test.authorize()
    const jkt = new URL(test.navigate.mock.lastCall![0]).searchParams.get('dpop_jkt')
    expect(jkt).toBe((await storedKey(test.clientId))?.jkt)
    await test.auth.handleRedirect(callback)
    expect(test.auth.getState().status).toBe('signedIn')
    const token = await test.auth.getAccessToken()
    expect(decodeJwt(token).cnf).toEqual({ jkt })
    const [exchange] = sent(test, '/v2/oauth/token')
    expect(decodeProtectedHeader(exchange!.headers.get('dpop')!)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' })
  })

  it('keeps the private key non-extractable', async () => {
    const test = dpopClient()
    await test.signIn()
    const { keyPair } = (await storedKey(test.clientId))!
    expect(keyPair.privateKey.extractable).toBe(false)
  })

  it('sends auth.fetch as DPoP with a fresh proof: htm, htu without the query, ath of the token sent', async () => {
    const test = dpopClient()
    await test.signIn()
    const response = await test.auth.fetch(`${api}?page[number]=1#top`)
    expect(response.status).toBe(200)
    const request = test.fetch.mock.lastCall![0] as Request
    const token = await test.auth.getAccessToken()
    expect(request.headers.get('authorization')).toBe(`DPoP ${token}`)
    const proof = decodeJwt(request.headers.get('dpop')!)
    expect(proof).toMatchObject({ htm: 'GET', htu: api, ath: await tokenHash(token) })
    const again = await test.auth.getAuthorizationHeaders({ method: 'post', url: api })
    expect(decodeJwt(again.dpop!)).toMatchObject({ htm: 'POST', htu: api })
    expect(decodeJwt(again.dpop!).jti).not.toBe(proof.jti)
  })

  it("computes ath from the token actually sent, after a refresh", async () => {
    const test = dpopClient()
    await test.signIn()
    const before = await test.auth.getAccessToken()
    const headers = await test.auth.getAuthorizationHeaders({ url: api }, { forceRefresh: true })
    const after = await test.auth.getAccessToken()
    expect(after).not.toBe(before)
    expect(headers.authorization).toBe(`DPoP ${after}`)
    expect(decodeJwt(headers.dpop!).ath).toBe(await tokenHash(after))
  })

  it('refreshes with a proof: the new tokens are bound to the same key', async () => {
    const test = dpopClient()
    await test.signIn()
    const { jkt } = (await storedKey(test.clientId))!
    const token = await test.auth.getAccessToken({ forceRefresh: true })
    expect(decodeJwt(token).cnf).toEqual({ jkt })
    expect(await introspect(test, token)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } })
  })

  describe('nonces', () => {
    it('answers use_dpop_nonce at the token endpoint with one retry, and spends the refresh token once', async () => {
      const test = dpopClient({ nonce: true })
      await test.signIn()
      expect(tokenRequests(test).map((r) => r.status)).toEqual([400, 200])
      test.mock.requests.clear()
      await test.mock.fetch(`${TEST_ISSUER}/__mock/dpop-nonce`, { method: 'POST' })
      await test.auth.getAccessToken({ forceRefresh: true })
      expect(tokenRequests(test).map((r) => r.status)).toEqual([400, 200])
      expect(test.auth.getState().status).toBe('signedIn')
    })

    it('keeps the nonce for the page: the next request sends it at once', async () => {
      const test = dpopClient({ nonce: true })
      await test.signIn()
      test.mock.requests.clear()
      await test.auth.getAccessToken({ forceRefresh: true })
      expect(tokenRequests(test).map((r) => r.status)).toEqual([200])
    })

    it('keeps a nonce sent with a successful token response: the next request sends it at once', async () => {
      const test = dpopClient({
        nonce: true,
        // A server that moves to a new nonce and says so in a successful token response (RFC 9449 §8.2).
        fetch: async (input, init) => {
          const response = await test.mock.fetch(new Request(input, init))
          if (!String(input).endsWith('/v2/oauth/token') || response.status !== 200) return response
          const { nonce } = await (await test.mock.fetch(`${TEST_ISSUER}/__mock/dpop-nonce`, { method: 'POST' })).json()
          const headers = new Headers(response.headers)
          headers.set('dpop-nonce', nonce)
          return new Response(response.body, { status: 200, headers })
        },
      })
      await test.signIn()
      test.mock.requests.clear()
      await test.auth.getAccessToken({ forceRefresh: true })
      expect(tokenRequests(test).map((r) => r.status)).toEqual([200])
      test.mock.requests.clear()
      expect((await test.auth.fetch(api)).status).toBe(200)
      expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth_grants').map((r) => r.status)).toEqual([200])
    })

    it('retries a resource request once on 401 DPoP error="use_dpop_nonce"', async () => {
      const test = dpopClient({ nonce: true })
      await test.signIn()
      await test.mock.fetch(`${TEST_ISSUER}/__mock/dpop-nonce`, { method: 'POST' })
      const response = await test.auth.fetch(api)
      expect(response.status).toBe(200)
      expect(sent(test, '/v2/oauth_grants')).toHaveLength(2)
    })

    it('never loops: a server asking for a nonce again and again gets two token requests', async () => {
      const test = dpopClient()
      test.mock.faults.add({
        path: '/v2/oauth/token',
        status: 400,
        headers: { 'dpop-nonce': 'n-1', 'content-type': 'application/json' },
        body: { error: 'use_dpop_nonce', error_description: 'nonce' },
        count: Infinity,
      })
      await expect(test.signIn()).rejects.toMatchObject({ error: 'use_dpop_nonce' })
      expect(sent(test, '/v2/oauth/token')).toHaveLength(2)
    })
  })

  it('refuses a Bearer answer to a proof: AuthError, nothing stored', async () => {
    const test = dpopClient({
      // A server that takes the proof and hands out a Bearer token all the same.
      fetch: async (input, init) => {
        const response = await test.mock.fetch(new Request(input, init))
        if (!String(input).endsWith('/v2/oauth/token') || response.status !== 200) return response
        const body = { ...(await response.json()), token_type: 'Bearer' }
        return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } })
      },
    })
    await expect(test.signIn()).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringContaining('Bearer token') })
    expect(test.auth.getState().status).toBe('signedOut')
    expect(await reloadTestClient(test).auth.getAccessToken().catch((error) => error.code)).toBe('login_required')
  })

  describe('a server without DPoP', () => {
    it('fails the sign-in by default, saying so, before leaving the page', async () => {
      const test = createTestClient({ plugins: [dpop()] })
      await expect(test.auth.signIn()).rejects.toMatchObject({ code: 'invalid_response', message: expect.stringContaining('dpop_signing_alg_values_supported') })
      expect(test.navigate).not.toHaveBeenCalled()
    })

    it('falls back to Bearer with dpop({ required: false })', async () => {
      const test = createTestClient({ plugins: [dpop({ required: false })] })
      await test.signIn()
      expect(new URL(test.navigate.mock.lastCall![0]).searchParams.has('dpop_jkt')).toBe(false)
      const headers = await test.auth.getAuthorizationHeaders({ url: api })
      expect(headers).toEqual({ authorization: `Bearer ${await test.auth.getAccessToken()}` })
      expect((await test.auth.fetch(api)).status).toBe(200)
    })
  })

  describe('a lost key', () => {
    it('between the redirect and the callback: the callback fails with invalid_grant, nothing stored', async () => {
      const test = dpopClient()
      const callback = await test.authorize()
      await deleteKey(test.clientId)
      await expect(test.auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_grant', message: expect.stringContaining('DPoP key') })
      expect(sent(test, '/v2/oauth/token')).toHaveLength(0)
      expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'callback_failed' })
    })

    it('at page load: the session ends with a reason before it is shown, and nothing is sent', async () => {
      const test = dpopClient()
      await test.signIn()
      await deleteKey(test.clientId)
      const reloaded = reloadTestClient(test, { plugins: [dpop()] })
      await expect(reloaded.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
      expect(reloaded.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired', error: { code: 'invalid_grant' } })
      expect(reloaded.fetch).not.toHaveBeenCalled()
    })

    it('at page load with dpop({ required: false }) on a server without DPoP: the Bearer session is restored, nothing sent', async () => {
      const test = createTestClient({ plugins: [dpop({ required: false })] })
      await test.signIn()
      const reloaded = reloadTestClient(test, { plugins: [dpop({ required: false })] })
      expect(await reloaded.auth.getAccessToken()).toBe(await test.auth.getAccessToken())
      expect(reloaded.auth.getState().status).toBe('signedIn')
      expect(reloaded.fetch).not.toHaveBeenCalled()
    })

    it('before a refresh: the session ends with a reason, the refresh token is not sent, and nothing loops', async () => {
      const test = dpopClient()
      await test.signIn()
      await deleteKey(test.clientId)
      const refusal = await test.auth.getAccessToken({ forceRefresh: true }).catch((error) => error)
      expect(refusal).toBeInstanceOf(AuthError)
      expect(refusal.code).toBe('invalid_grant')
      expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
      expect(sent(test, '/v2/oauth/token')).toHaveLength(1)
      await expect(test.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    })
  })

  it('gives two tabs signing in at once one key: get-or-create runs under the cross-tab lock', async () => {
    const a = dpopClient()
    const b = createTestClient({ plugins: [dpop()], mock: a.mock, clientId: a.clientId })
    await Promise.all([a.auth.signIn(), b.auth.signIn()])
    const jkts = [a, b].map((test) => new URL(test.navigate.mock.lastCall![0]).searchParams.get('dpop_jkt'))
    expect(jkts[0]).toBeTruthy()
    expect(jkts[1]).toBe(jkts[0])
    expect((await storedKey(a.clientId))!.jkt).toBe(jkts[0])
  })

  it('deletes the key on sign-out before signOut resolves, and revokes the tokens without a proof (RFC 9449 defines none for revocation)', async () => {
    const test = dpopClient()
    await test.signIn()
    expect(await storedKey(test.clientId)).toBeDefined()
    const token = await test.auth.getAccessToken()
    await test.auth.signOut()
    expect(await storedKey(test.clientId)).toBeUndefined()
    const revocations = sent(test, '/v2/oauth/revoke')
    expect(revocations).toHaveLength(2)
    for (const request of revocations) expect(request.headers.has('dpop')).toBe(false)
    expect(await introspect(test, token)).toMatchObject({ active: false })
  })

  it('uses one key for the next sign-in of the session, and a new one after sign-out', async () => {
    const test = dpopClient()
    await test.signIn()
    const first = (await storedKey(test.clientId))!.jkt
    await test.signIn()
    expect((await storedKey(test.clientId))!.jkt).toBe(first)
    await test.auth.signOut()
    await test.signIn()
    expect((await storedKey(test.clientId))!.jkt).not.toBe(first)
  })
})
