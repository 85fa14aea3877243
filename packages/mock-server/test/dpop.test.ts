import { SignJWT, calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair } from 'jose'
import type { JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import type { MockServer } from '@pkce-auth/mock-server'
import { createDpopVerifier } from '../src/dpopProof'
import { authorize, createTestServer, issuer, pkcePair, postForm, redirectUri } from './helpers'

const tokenUrl = `${issuer}/v2/oauth/token`
const apiUrl = `${issuer}/v2/oauth_clients`

interface ProofKey {
  privateKey: CryptoKey
  jwk: JWK
  jkt: string
}

async function proofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = await exportJWK(publicKey)
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) }
}

const sha256 = async (text: string) =>
  Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))).toString('base64url')

type ProofFields = { htm?: string; htu?: string; nonce?: string; ath?: string; iat?: number; jti?: string; typ?: string; jwk?: JWK }

/** A DPoP proof by `key` for a request; any field can be overridden to make it wrong. */
async function proof(key: ProofKey, fields: ProofFields = {}) {
  const { typ = 'dpop+jwt', jwk = key.jwk, iat = Math.floor(Date.now() / 1000), ...claims } = fields
  return new SignJWT({ htm: 'POST', htu: tokenUrl, jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', typ, jwk })
    .setIssuedAt(iat)
    .sign(key.privateKey)
}

/** Signs in through the mock with `key` bound at authorize (`dpop_jkt`) and proved at the exchange. */
async function signInWithDpop(mock: MockServer, key: ProofKey, { bindAtAuthorize = true } = {}) {
  const { verifier, challenge } = await pkcePair()
  const callback = await authorize((input, init) => mock.fetch(input, init), issuer, {
    challenge,
    ...(bindAtAuthorize ? { dpopJkt: key.jkt } : {}),
  })
  const code = callback.searchParams.get('code') as string
  const exchange = (dpop: string | undefined) =>
    mock.fetch(
      tokenUrl,
      postForm({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }, dpop ? { dpop } : {}),
    )
  return { code, exchange }
}

const refresh = (mock: MockServer, refreshToken: string, dpop?: string) =>
  mock.fetch(tokenUrl, postForm({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'app' }, dpop ? { dpop } : {}))

const callApi = async (mock: MockServer, token: string, scheme: string, dpop?: string) =>
  mock.fetch(apiUrl, { headers: { authorization: `${scheme} ${token}`, ...(dpop ? { dpop } : {}) } })

async function boundTokens(mock: MockServer, key: ProofKey) {
  const { exchange } = await signInWithDpop(mock, key)
  const response = await exchange(await proof(key))
  expect(response.status).toBe(200)
  return (await response.json()) as { access_token: string; refresh_token: string; token_type: string }
}

describe('mock server DPoP', () => {
  it('is off by default: no metadata, and a proof is ignored (tokens come back Bearer)', async () => {
    const mock = createTestServer()
    const metadata = await (await mock.fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()
    expect(metadata).not.toHaveProperty('dpop_signing_alg_values_supported')
    const key = await proofKey()
    const { exchange } = await signInWithDpop(mock, key)
    const body = await (await exchange(await proof(key))).json()
    expect(body.token_type).toBe('Bearer')
    expect(decodeJwt(body.access_token)).not.toHaveProperty('cnf')
  })

  it('advertises its proof algorithms when on', async () => {
    const mock = createTestServer({ dpop: true })
    const metadata = await (await mock.fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256')
  })

  it('binds the tokens to the proof key: token_type DPoP, cnf.jkt in the JWT and at introspection', async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const tokens = await boundTokens(mock, key)
    expect(tokens.token_type).toBe('DPoP')
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt })
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const introspection = await (await mock.fetch(`${issuer}/v2/oauth/introspect`, postForm({ token, client_id: 'app' }))).json()
      expect(introspection).toMatchObject({ active: true, cnf: { jkt: key.jkt } })
    }
  })

  it.each<[string, (key: ProofKey, other: ProofKey) => Promise<string>]>([
    ['a wrong typ', (key) => proof(key, { typ: 'JWT' })],
    ['a private key in jwk', async (key) => proof(key, { jwk: { ...key.jwk, d: 'AAAA' } })],
    ['a signature by another key than its jwk', (key, other) => proof(key, { jwk: other.jwk })],
    ['a wrong htm', (key) => proof(key, { htm: 'GET' })],
    ['an htu with a query', (key) => proof(key, { htu: `${tokenUrl}?x=1` })],
    ['an htu of another endpoint', (key) => proof(key, { htu: `${issuer}/v2/oauth/revoke` })],
    ['an iat ten minutes old', (key) => proof(key, { iat: Math.floor(Date.now() / 1000) - 600 })],
    ['an iat ten minutes ahead', (key) => proof(key, { iat: Math.floor(Date.now() / 1000) + 600 })],
    ['no jwk', (key) => stripJwk(key)],
    ['two proofs', async (key) => `${await proof(key)}, ${await proof(key)}`],
  ])('refuses a token request with %s (invalid_dpop_proof), and the code stays unspent', async (_, makeProof) => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const { exchange } = await signInWithDpop(mock, key)
    const response = await exchange(await makeProof(key, await proofKey()))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_dpop_proof')
    expect((await exchange(await proof(key))).status).toBe(200)
  })

  it('refuses an alg other than the advertised ones', async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef')
    const hs256 = await new SignJWT({ htm: 'POST', htu: tokenUrl, jti: 'x' })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })
      .setIssuedAt()
      .sign(secret)
    const { exchange } = await signInWithDpop(mock, key)
    expect(await (await exchange(hs256)).json()).toMatchObject({ error: 'invalid_dpop_proof' })
  })

  it('refuses a replayed proof (jti)', async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const tokens = await boundTokens(mock, key)
    const once = await proof(key)
    expect((await refresh(mock, tokens.refresh_token, once)).status).toBe(200)
    const again = await refresh(mock, tokens.refresh_token, once)
    expect(await again.json()).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringContaining('jti') })
  })

  it('keeps a bounded jti cache: the oldest are forgotten beyond the bound', async () => {
    const verifier = createDpopVerifier({ maxJtis: 2 })
    const key = await proofKey()
    const request = { method: 'POST', url: tokenUrl }
    const proofs = await Promise.all([1, 2, 3].map((n) => proof(key, { jti: `jti-${n}` })))
    for (const each of proofs) expect(await verifier.verify(each, request)).toMatchObject({ ok: true })
    expect(await verifier.verify(proofs[2], request)).toMatchObject({ ok: false })
    expect(await verifier.verify(proofs[0], request)).toMatchObject({ ok: true })
  })

  it('refuses a code exchange without a proof, or with another key, when dpop_jkt named a key', async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    for (const dpop of [undefined, await proof(await proofKey())]) {
      const { exchange } = await signInWithDpop(mock, key)
      expect(await (await exchange(dpop)).json()).toMatchObject({ error: 'invalid_grant' })
    }
  })

  it('refuses an authorization request whose dpop_jkt is no thumbprint', async () => {
    const mock = createTestServer({ dpop: true })
    const { challenge } = await pkcePair()
    const callback = await authorize((input, init) => mock.fetch(input, init), issuer, { challenge, dpopJkt: 'short' })
    expect(callback.searchParams.get('error')).toBe('invalid_request')
  })

  it("refuses a bound refresh token without a proof or with another key's, and spends nothing", async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const tokens = await boundTokens(mock, key)
    expect(await (await refresh(mock, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' })
    expect(await (await refresh(mock, tokens.refresh_token, await proof(await proofKey()))).json()).toMatchObject({ error: 'invalid_grant' })
    const good = await refresh(mock, tokens.refresh_token, await proof(key))
    expect(good.status).toBe(200)
    expect((await good.json()).token_type).toBe('DPoP')
  })

  it('accepts a bound access token on the API with the DPoP scheme and a proof with ath', async () => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const { access_token: token } = await boundTokens(mock, key)
    const response = await callApi(mock, token, 'DPoP', await proof(key, { htm: 'GET', htu: apiUrl, ath: await sha256(token) }))
    expect(response.status).toBe(200)
  })

  it.each<[string, (key: ProofKey, token: string) => Promise<{ scheme: string; dpop?: string }>, string]>([
    ['as Bearer', async () => ({ scheme: 'Bearer' }), 'invalid_token'],
    ['without a proof', async () => ({ scheme: 'DPoP' }), 'invalid_dpop_proof'],
    ["with another key's proof", async (_, token) => ({ scheme: 'DPoP', dpop: await proof(await proofKey(), { htm: 'GET', htu: apiUrl, ath: await sha256(token) }) }), 'invalid_token'],
    ['with a wrong ath', async (key) => ({ scheme: 'DPoP', dpop: await proof(key, { htm: 'GET', htu: apiUrl, ath: await sha256('other') }) }), 'invalid_dpop_proof'],
    ['with the query in htu', async (key, token) => ({ scheme: 'DPoP', dpop: await proof(key, { htm: 'GET', htu: `${apiUrl}?page=1`, ath: await sha256(token) }) }), 'invalid_dpop_proof'],
  ])('refuses a bound access token on the API %s: 401 with a DPoP challenge', async (_, request, error) => {
    const mock = createTestServer({ dpop: true })
    const key = await proofKey()
    const { access_token: token } = await boundTokens(mock, key)
    const { scheme, dpop } = await request(key, token)
    const response = await callApi(mock, token, scheme, dpop)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP error="${error}"`))
  })

  describe('with nonces', () => {
    it('answers use_dpop_nonce with a DPoP-Nonce, and spends no refresh token doing so', async () => {
      const mock = createTestServer({ dpop: true, dpopNonce: true })
      const key = await proofKey()
      const { exchange } = await signInWithDpop(mock, key)
      const first = await exchange(await proof(key))
      expect(first.status).toBe(400)
      expect((await first.json()).error).toBe('use_dpop_nonce')
      const nonce = first.headers.get('dpop-nonce') as string
      expect(nonce).toBeTruthy()
      const tokens = await (await exchange(await proof(key, { nonce }))).json()
      expect(tokens.token_type).toBe('DPoP')

      await mock.fetch(`${issuer}/__mock/dpop-nonce`, { method: 'POST' })
      const stale = await refresh(mock, tokens.refresh_token, await proof(key, { nonce }))
      expect(await stale.json()).toMatchObject({ error: 'use_dpop_nonce' })
      const fresh = stale.headers.get('dpop-nonce') as string
      expect(fresh).not.toBe(nonce)
      expect((await refresh(mock, tokens.refresh_token, await proof(key, { nonce: fresh }))).status).toBe(200)
    })

    it('answers a resource request without the nonce with 401 DPoP error="use_dpop_nonce"', async () => {
      const mock = createTestServer({ dpop: true, dpopNonce: true })
      const key = await proofKey()
      const { exchange } = await signInWithDpop(mock, key)
      const nonce = (await exchange(await proof(key))).headers.get('dpop-nonce') as string
      const { access_token: token } = await (await exchange(await proof(key, { nonce }))).json()
      const ath = await sha256(token)
      const response = await callApi(mock, token, 'DPoP', await proof(key, { htm: 'GET', htu: apiUrl, ath }))
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/)
      const retried = await callApi(mock, token, 'DPoP', await proof(key, { htm: 'GET', htu: apiUrl, ath, nonce: response.headers.get('dpop-nonce') as string }))
      expect(retried.status).toBe(200)
    })
  })
})

/** A proof whose protected header has no `jwk`. */
async function stripJwk(key: ProofKey) {
  return new SignJWT({ htm: 'POST', htu: tokenUrl, jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt' })
    .setIssuedAt()
    .sign(key.privateKey)
}
