import { describe, expect, it, vi } from 'vitest'
import { createAuthClient } from '@pkce-auth/core'
import type { AuthError } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'

/** Defects found in review: each test failed on the code before its fix. */

const authorizeParams = (navigate: { mock: { lastCall?: [string] } }) => new URL(navigate.mock.lastCall![0]).searchParams

describe('signIn: parameters given as extra parameters', () => {
  it('sends prompt, login_hint and resource from extraAuthorizationParams when signIn names none', async () => {
    const { auth, navigate } = createTestClient({
      extraAuthorizationParams: { prompt: 'consent', login_hint: 'ada@example.com', resource: 'https://api.test' },
    })
    await auth.signIn()
    const params = authorizeParams(navigate)
    expect(params.get('prompt')).toBe('consent')
    expect(params.get('login_hint')).toBe('ada@example.com')
    expect(params.getAll('resource')).toEqual(['https://api.test'])
  })

  it('sends prompt from signIn extraParams, and lets the signIn option win over both', async () => {
    const { auth, navigate } = createTestClient({ extraAuthorizationParams: { prompt: 'consent' } })
    await auth.signIn({ extraParams: { prompt: 'select_account' } })
    expect(authorizeParams(navigate).getAll('prompt')).toEqual(['select_account'])
    await auth.signIn({ prompt: 'login', extraParams: { prompt: 'select_account' } })
    expect(authorizeParams(navigate).getAll('prompt')).toEqual(['login'])
  })
})

describe('userInfo: a userinfo endpoint refusing the token', () => {
  it('says the token was refused (invalid_token), not that the client is unknown, when its Bearer challenge names no error', async () => {
    // happy-dom's URL.parse returns URLs of another realm, which oauth4webapi's resource requests refuse.
    const parse = vi.spyOn(URL, 'parse').mockImplementation((url: string | URL, base?: string | URL) => URL.canParse(url, base) ? new URL(url, base) : null)
    try {
      const { mock } = createTestClient()
      const metadata = await (await mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
      const test = createTestClient({
        mock,
        clientId: 'userinfo-app',
        scope: 'openid admin',
        userInfo: true,
        metadata: { ...metadata, userinfo_endpoint: `${TEST_ISSUER}/userinfo` },
        fetch: async (input, init) => {
          const request = new Request(input, init)
          if (new URL(request.url).pathname !== '/userinfo') return mock.fetch(request)
          return new Response(null, { status: 401, headers: { 'www-authenticate': `Bearer realm="${TEST_ISSUER}"` } })
        },
      })
      mock.clients.add({ clientId: 'userinfo-app', redirectUris: [TEST_REDIRECT_URI] })
      await test.signIn()
      const { error } = test.auth.getState() as { error?: AuthError }
      expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_token', status: 401, url: `${TEST_ISSUER}/userinfo` })
      expect(error!.message).not.toContain('client ID')
      expect(test.auth.getState()).toMatchObject({ status: 'signedIn' })
    } finally {
      parse.mockRestore()
    }
  })
})

describe('createAuthClient: the resource option', () => {
  // The URL parser drops a leading or trailing space and any tab or newline, and encodes a space in a
  // path, so these parse; but the string itself is what is sent, and no server knows that resource.
  it.each([' https://api.test', 'https://api.test\n', 'https://api.test/a b', 'https://api.\ttest'])(
    'throws a TypeError naming "resource" for %j, which is no URI as written',
    (resource) => {
      const create = () => createAuthClient({ issuer: TEST_ISSUER, clientId: 'app', redirectUri: TEST_REDIRECT_URI, resource })
      expect(create).toThrow(TypeError)
      expect(create).toThrow('"resource"')
    },
  )
})

describe('createAuthClient: durations', () => {
  // Number(process.env.LEEWAY) with the variable unset is NaN: no token is ever fresh then, and a
  // listened-to client refreshed in a loop (54 refresh requests in 300 ms, measured before the check).
  it.each([
    ['refreshLeewaySeconds', Number.NaN],
    ['refreshLeewaySeconds', -60],
    ['discoveryCacheSeconds', Number.NaN],
    ['discoveryCacheSeconds', -1],
  ])('throws a TypeError naming "%s" for %s', (name, value) => {
    const create = () => createAuthClient({ issuer: TEST_ISSUER, clientId: 'app', redirectUri: TEST_REDIRECT_URI, [name]: value })
    expect(create).toThrow(TypeError)
    expect(create).toThrow(`"${name}"`)
  })

  it('accepts 0 (renew at expiry, no metadata cache)', () => {
    expect(() => createAuthClient({ issuer: TEST_ISSUER, clientId: 'app', redirectUri: TEST_REDIRECT_URI, refreshLeewaySeconds: 0, discoveryCacheSeconds: 0 }))
      .not.toThrow()
  })
})
