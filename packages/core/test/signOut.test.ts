import { describe, expect, it } from 'vitest'
import { createTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { records } from './records'

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`

describe('signOut', () => {
  it('revokes the refresh and access tokens, clears storage and signs out', async () => {
    const test = createTestClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    test.mock.requests.clear()
    await test.auth.signOut()
    expect(test.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out', error: undefined })
    expect(await records(test.storage).get(sessionKey(test.clientId))).toBeUndefined()
    expect(test.mock.requests.list().map((r) => [r.path, r.status])).toEqual([
      ['/v2/oauth/revoke', 200],
      ['/v2/oauth/revoke', 200],
    ])
    // The server no longer accepts the token.
    const api = await test.mock.fetch(`${TEST_ISSUER}/v2/oauth_grants`, { headers: { authorization: `Bearer ${token}` } })
    expect(api.status).toBe(401)
    expect(test.navigate).toHaveBeenCalledTimes(1) // only the sign-in
  })

  it('skips revocation when asked', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.requests.clear()
    await test.auth.signOut({ revoke: false })
    expect(test.mock.requests.list()).toEqual([])
    expect(test.auth.getState().status).toBe('signedOut')
  })

  it('signs out locally when revocation fails', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.faults.add({ path: '/v2/oauth/revoke', status: 503, count: 2 })
    await expect(test.auth.signOut()).resolves.toBeUndefined()
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    expect(await records(test.storage).get(sessionKey(test.clientId))).toBeUndefined()
  })

  it('signs out locally when the server cannot be reached', async () => {
    const test = createTestClient()
    await test.signIn()
    test.mock.faults.add({ path: '/v2/oauth/revoke', drop: true, count: 2 })
    await test.auth.signOut()
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
  })

  it('sends no revocation when the server has no revocation endpoint', async () => {
    const test = createTestClient({
      metadata: {
        issuer: TEST_ISSUER,
        authorization_endpoint: `${TEST_ISSUER}/v2/oauth/authorize`,
        token_endpoint: `${TEST_ISSUER}/v2/oauth/token`,
      },
    })
    await test.signIn()
    test.mock.requests.clear()
    await test.auth.signOut()
    expect(test.mock.requests.list()).toEqual([])
  })

  it('redirects to the end-session endpoint only when asked and available', async () => {
    const metadata = {
      issuer: TEST_ISSUER,
      authorization_endpoint: `${TEST_ISSUER}/v2/oauth/authorize`,
      token_endpoint: `${TEST_ISSUER}/v2/oauth/token`,
      end_session_endpoint: `${TEST_ISSUER}/logout`,
      id_token_signing_alg_values_supported: ['ES256'],
    }
    const test = createTestClient({ metadata, scope: 'openid', postLogoutRedirectUri: 'https://app.test/' })
    await test.signIn()
    await test.auth.signOut()
    expect(test.navigate).toHaveBeenCalledTimes(1)
    await test.signIn()
    await test.auth.signOut({ redirect: true })
    const url = new URL(test.navigate.mock.lastCall![0])
    expect(url.origin + url.pathname).toBe(`${TEST_ISSUER}/logout`)
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: test.clientId,
      id_token_hint: expect.stringMatching(/^ey/),
      post_logout_redirect_uri: 'https://app.test/',
    })
  })

  it('still redirects to the end-session endpoint when revocation fails', async () => {
    const metadata = {
      issuer: TEST_ISSUER,
      authorization_endpoint: `${TEST_ISSUER}/v2/oauth/authorize`,
      token_endpoint: `${TEST_ISSUER}/v2/oauth/token`,
      revocation_endpoint: `${TEST_ISSUER}/v2/oauth/revoke`,
      end_session_endpoint: `${TEST_ISSUER}/logout`,
    }
    const test = createTestClient({ metadata })
    await test.signIn()
    test.mock.faults.add({ path: '/v2/oauth/revoke', status: 503, count: 2 })
    await test.auth.signOut({ redirect: true })
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth/revoke').map((r) => r.status)).toEqual([503, 503])
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    expect(test.navigate).toHaveBeenCalledTimes(2)
    expect(test.navigate.mock.lastCall![0]).toMatch(`${TEST_ISSUER}/logout?client_id=${test.clientId}`)
  })

  it('does not redirect when the server has no end-session endpoint', async () => {
    const test = createTestClient()
    await test.signIn()
    await test.auth.signOut({ redirect: true })
    expect(test.navigate).toHaveBeenCalledTimes(1)
  })

  it('makes getAccessToken reject with login_required', async () => {
    const test = createTestClient()
    await test.signIn()
    await test.auth.signOut()
    await expect(test.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })

  it('leaves the client able to sign in again', async () => {
    const test = createTestClient()
    await test.signIn()
    await test.auth.signOut()
    await test.signIn()
    expect(test.auth.getState().status).toBe('signedIn')
  })
})
