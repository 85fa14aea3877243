import type { MockServer, MockServerListener } from '@pkce-auth/mock-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { authorize, bearer, createTestServer, pkcePair, postForm, redirectUri } from './helpers'

// Finding 3 of issue 16: hundreds of parallel requests over a real socket, so that replays land while the
// first use is still signing its tokens. After the dust settles nothing issued from the family may work.
const parallel = 200

describe('reuse detection under concurrency', () => {
  let mock: MockServer
  let server: MockServerListener
  beforeEach(async () => {
    mock = createTestServer({ rateLimit: false })
    server = await mock.listen()
  })
  afterEach(() => server.close())

  const post = (path: string, params: Record<string, string>) => fetch(`${server.url}${path}`, postForm(params))

  async function issuedCode() {
    const { verifier, challenge } = await pkcePair()
    const callback = await authorize(fetch, server.url, { challenge })
    return { code: callback.searchParams.get('code') as string, verifier }
  }

  /** Every access and refresh token of the 200 answers: none may still work. */
  async function expectAllDead(tokens: Array<{ access_token?: string; refresh_token?: string }>) {
    for (const { access_token: access, refresh_token: refresh } of tokens) {
      if (access) {
        expect((await fetch(`${server.url}/v2/oauth_grants`, bearer(access))).status).toBe(401)
        const introspected = await post('/v2/oauth/introspect', { token: access, client_id: 'backend', client_secret: 's3cret' })
        expect(await introspected.json()).toEqual({ active: false })
      }
      if (refresh) {
        const refreshed = await post('/v2/oauth/token', { grant_type: 'refresh_token', refresh_token: refresh, client_id: 'app' })
        expect(refreshed.status).toBe(400)
      }
    }
  }

  it('a code exchanged by 200 requests at once leaves no working token', async () => {
    for (let trial = 0; trial < 2; trial++) {
      const { code, verifier } = await issuedCode()
      const params = { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }
      const responses = await Promise.all(Array.from({ length: parallel }, () => post('/v2/oauth/token', params)))
      const bodies = await Promise.all(responses.map((response) => response.json()))
      expect(responses.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1)
      expect(responses.every((response) => response.status === 200 || response.status === 400)).toBe(true)
      await expectAllDead(bodies)
    }
  }, 30_000)

  it('a refresh token presented by 200 requests at once leaves no working token, and revokes the grant', async () => {
    for (let trial = 0; trial < 2; trial++) {
      const { code, verifier } = await issuedCode()
      const first = await (
        await post('/v2/oauth/token', { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri })
      ).json()
      const params = { grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'app' }
      const responses = await Promise.all(Array.from({ length: parallel }, () => post('/v2/oauth/token', params)))
      const bodies = await Promise.all(responses.map((response) => response.json()))
      expect(responses.filter((response) => response.status === 200).length).toBeLessThanOrEqual(1)
      await expectAllDead([first, ...bodies])
      expect(mock.grants.list()).toEqual([])
    }
  }, 30_000)

  it('a single use still works, and a replay after it revokes what it issued', async () => {
    const { code, verifier } = await issuedCode()
    const params = { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }
    const first = await post('/v2/oauth/token', params)
    expect(first.status).toBe(200)
    const tokens = await first.json()
    expect((await fetch(`${server.url}/v2/oauth_grants`, bearer(tokens.access_token))).status).toBe(200)
    expect((await post('/v2/oauth/token', params)).status).toBe(400)
    await expectAllDead([tokens])
  })
})
