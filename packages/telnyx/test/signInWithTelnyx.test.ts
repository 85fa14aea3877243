import { createAuthClient } from '@pkce-auth/core'
import { createMockServer } from '@pkce-auth/mock-server'
import { createTelnyxClient, telnyxAuthOptions } from '@pkce-auth/telnyx'
import { describe, expect, it, vi } from 'vitest'

const issuer = 'https://api.test'
const redirectUri = 'https://app.test/callback'

/** A browser app signed in to the mock Telnyx through the preset; `proxy` routes token requests via the app's origin. */
async function signInThroughPreset({ proxy }: { proxy?: boolean } = {}) {
  const mock = createMockServer({ autoApprove: true, clients: [{ clientId: 'spa', redirectUris: [redirectUri] }] })
  const proxied: string[] = []
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    if (request.url === 'https://app.test/oauth/token') {
      // What the app's backend does: forward the form body to Telnyx's token endpoint unchanged.
      proxied.push(request.url)
      return mock.fetch(new Request(`${issuer}/v2/oauth/token`, request))
    }
    return mock.fetch(request)
  }
  const navigate = vi.fn<(url: string) => void>()
  const auth = createAuthClient(
    telnyxAuthOptions({
      clientId: 'spa',
      redirectUri,
      scope: 'admin',
      issuer,
      storage: 'memory',
      fetch,
      navigate,
      ...(proxy ? { tokenEndpoint: 'https://app.test/oauth/token' } : {}),
    }),
  )

  await auth.signIn()
  const authorizeUrl = new URL(navigate.mock.lastCall?.[0] ?? '')
  const approval = await mock.fetch(new Request(authorizeUrl))
  await auth.handleRedirect(new URL(approval.headers.get('location') ?? '', authorizeUrl).href)
  return { mock, auth, fetch, authorizeUrl, proxied }
}

describe('telnyxAuthOptions with createAuthClient', () => {
  it('signs in with PKCE S256 against the Telnyx endpoints and calls the API with the session', async () => {
    const { auth, fetch, authorizeUrl } = await signInThroughPreset()

    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe('https://api.test/v2/oauth/authorize')
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256')
    expect(authorizeUrl.searchParams.get('client_id')).toBe('spa')
    expect(auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin' })

    const telnyx = createTelnyxClient({ auth }, { baseUrl: `${issuer}/v2`, fetch })
    const grants = await telnyx.oauthGrants.list()
    expect(grants.data).toEqual([expect.objectContaining({ clientId: 'spa', scopes: ['admin'] })])
    auth.dispose()
  })

  it('exchanges the code through the token-endpoint proxy', async () => {
    const { auth, mock, proxied } = await signInThroughPreset({ proxy: true })

    expect(auth.getState().status).toBe('signedIn')
    expect(proxied).toEqual(['https://app.test/oauth/token'])
    expect(mock.requests.list().filter((entry) => entry.path === '/v2/oauth/token')).toHaveLength(1)
    auth.dispose()
  })

  it('recovers from a revoked access token by refreshing once through the core', async () => {
    const { auth, fetch, mock } = await signInThroughPreset()
    const telnyx = createTelnyxClient({ auth }, { baseUrl: `${issuer}/v2`, fetch })
    const before = await auth.getAccessToken()
    // Something outside the app invalidates the token the core still holds.
    mock.faults.add({ path: '/v2/oauth_grants', status: 401 })

    await expect(telnyx.oauthGrants.list()).resolves.toMatchObject({ data: expect.any(Array) })
    expect(await auth.getAccessToken()).not.toBe(before)
    expect(mock.requests.list().filter((entry) => entry.path === '/v2/oauth_grants').map((entry) => entry.status)).toEqual([401, 200])
    auth.dispose()
  })

  it('refreshes once for calls refused with the same token, as auth.fetch does', async () => {
    const { auth, fetch, mock } = await signInThroughPreset()
    const telnyx = createTelnyxClient({ auth }, { baseUrl: `${issuer}/v2`, fetch })
    // The token is revoked while two calls are in flight; the second refusal comes after the first call's refresh.
    mock.faults.add({ path: '/v2/oauth_grants', status: 401 })
    mock.faults.add({ path: '/v2/oauth_grants', status: 401, delayMs: 100 })

    await Promise.all([telnyx.oauthGrants.list(), telnyx.oauthGrants.list()])

    expect(mock.requests.list().filter((entry) => entry.grantType === 'refresh_token')).toHaveLength(1)
    auth.dispose()
  })
})
