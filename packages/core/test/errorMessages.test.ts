import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError, createAuthClient } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'

const TOKEN_ENDPOINT = `${TEST_ISSUER}/v2/oauth/token`
const DISCOVERY = `${TEST_ISSUER}/.well-known/oauth-authorization-server`

/** The callback URL with its `code` replaced by an error response, as a server sends after Deny. */
const asError = (callback: string, error: string, description?: string) => {
  const url = new URL(callback)
  url.searchParams.delete('code')
  url.searchParams.set('error', error)
  if (description) url.searchParams.set('error_description', description)
  return url.href
}

const rejection = (promise: Promise<unknown>) => promise.then(() => expect.unreachable(), (error: AuthError) => error)

afterEach(() => {
  setAddress('about:blank')
  vi.unstubAllGlobals()
})

describe('AuthError message', () => {
  it('names the endpoint and the likely causes when the server does not answer', async () => {
    const test = createTestClient()
    test.mock.faults.add({ path: '/.well-known/oauth-authorization-server', drop: true })

    const error = await rejection(test.auth.signIn())

    expect(error).toMatchObject({ code: 'network', url: DISCOVERY })
    expect(error.message).toMatch(`Discovery got no readable answer at ${DISCOVERY}, nor at https://auth.test/.well-known/openid-configuration`)
    expect(error.message).toMatch('no CORS header (a 404 without one looks the same)')
  })

  it('says the browser is offline when it is', async () => {
    const test = createTestClient()
    await test.signIn()
    vi.stubGlobal('navigator', { ...navigator, onLine: false })

    const error = await rejection(test.auth.getAccessToken({ forceRefresh: true }))

    expect(error).toMatchObject({ code: 'network' })
    expect(error.message).toMatch(/^Offline: .+ not reached; tried again once online\.$/)
  })

  it('gives the endpoint, the status and what the server said about a rejected code, and never the code', async () => {
    const test = createTestClient()
    const callback = await test.authorize()
    test.mock.faults.add({ path: '/v2/oauth/token', status: 400, body: { error: 'invalid_grant', error_description: 'Code expired' } })

    const error = await rejection(test.auth.handleRedirect(callback))

    expect(error).toMatchObject({ code: 'invalid_grant', url: TOKEN_ENDPOINT, status: 400 })
    expect(error.message).toBe(`${TOKEN_ENDPOINT} rejected the code or refresh token (HTTP 400, invalid_grant: Code expired); sign in again.`)
    expect(error.message).not.toContain(new URL(callback).searchParams.get('code'))
  })

  it('names the endpoint and status of a server failure', async () => {
    const test = createTestClient()
    const callback = await test.authorize()
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, body: '<h1>down</h1>' })

    const error = await rejection(test.auth.handleRedirect(callback))

    expect(error).toMatchObject({ code: 'server_error', retryable: true })
    expect(error.message).toBe(`Failure at ${TOKEN_ENDPOINT} (HTTP 503); try again later.`)
  })

  it('says a discovery document that is not there is not a valid response, and to check the issuer', async () => {
    const test = createTestClient({ issuer: `${TEST_ISSUER}/nowhere` })

    const error = await rejection(test.auth.signIn())

    expect(error).toMatchObject({ code: 'invalid_response', status: 404 })
    // The last place discovery looked (RFC 8414, then OpenID Connect Discovery).
    expect(error.message).toMatch(/^Invalid response from https:\/\/auth\.test\/\S*\.well-known\/\S+ \(HTTP 404\); check the issuer\.$/)
  })

  it('says the user or server declined, with the description', async () => {
    const test = createTestClient()
    const callback = asError(await test.authorize(), 'access_denied', 'The user denied the request')

    const error = await rejection(test.auth.handleRedirect(callback))

    expect(error).toMatchObject({ code: 'access_denied', error_description: 'The user denied the request' })
    expect(error.message).toBe('Sign-in was declined (access_denied: The user denied the request).')
  })

  it('names the likely cause of invalid_scope', async () => {
    const test = createTestClient()
    const error = await rejection(test.auth.handleRedirect(asError(await test.authorize(), 'invalid_scope')))

    expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_scope' })
    expect(error.message).toBe('OAuth error from the server (invalid_scope); likely a scope not in its scopes_supported.')
  })

  it('explains a state that matches no sign-in under way', async () => {
    const test = createTestClient()
    const callback = new URL(await test.authorize())
    callback.searchParams.set('state', 'unknown')

    const error = await rejection(test.auth.handleRedirect(callback))

    expect(error).toMatchObject({ code: 'state_mismatch' })
    expect(error.message).toMatch(/expired, begun elsewhere, or used/)
  })

  it('quotes what oauth4webapi found wrong with a response', async () => {
    const test = createTestClient()
    const callback = await test.authorize()
    test.mock.faults.add({ path: '/v2/oauth/token', status: 200, body: { access_token: 'x', token_type: 42 } })

    const error = await rejection(test.auth.handleRedirect(callback))

    expect(error.message).toBe('Invalid response from the server: "response" body "token_type" property must be a string.')
  })

  it('never shows a query or fragment of a URL', () => {
    const error = new AuthError('network', undefined, { url: 'https://as.test/token?code=secret#access_token=secret' })
    expect(error.url).toBe('https://as.test/token')
    expect(error.message).not.toContain('secret')
  })

  it('shows a URL and the server\'s words as they are, a $ included', () => {
    const error = new AuthError('server_error', undefined, { url: 'https://as.test/a$&b', status: 503, error: 'x', error_description: "$' $&" })
    expect(error.message).toBe("Failure at https://as.test/a$&b (HTTP 503, x: $' $&); try again later.")
  })

  it('keeps a message given to the constructor', () => {
    expect(new AuthError('network', 'custom').message).toBe('custom')
  })
})

describe('handleRedirect on a page with no authorization response', () => {
  it('rejects with not_a_callback, leaves the session in hand and the address as they are', async () => {
    const test = createTestClient()
    await test.signIn()
    const before = test.auth.getState()
    setAddress('https://app.test/settings?state=app-own&tab=2')

    const error = await rejection(test.auth.handleRedirect())

    expect(error).toMatchObject({ code: 'not_a_callback', url: 'https://app.test/settings' })
    expect(error.message).toContain('Not an authorization response: https://app.test/settings')
    expect(test.auth.getState()).toBe(before)
    expect(location.href).toBe('https://app.test/settings?state=app-own&tab=2')
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(1)
  })

  it('settles the state (no endless loading) without showing an error when signed out', async () => {
    const auth = createAuthClient({ issuer: TEST_ISSUER, clientId: 'app', redirectUri: 'https://app.test/callback', storage: 'memory' })
    const failures = vi.fn()
    auth.on('error', failures)

    await expect(auth.handleRedirect('https://app.test/callback')).rejects.toMatchObject({ code: 'not_a_callback' })

    expect(auth.getState()).toEqual({ status: 'signedOut' })
    expect(failures).not.toHaveBeenCalled()
    auth.dispose()
  })
})
