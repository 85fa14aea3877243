import { createTelnyxClient } from '@pkce-auth/telnyx'
import type { TokenSource } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

/** A token source that hands out `stale` until a forced refresh, then `fresh`; it records every call. */
function recordingTokenSource(stale: string, fresh: () => Promise<string>) {
  const calls: Array<{ forceRefresh?: boolean; minValidity?: number } | undefined> = []
  let current = stale
  const source: TokenSource = {
    async getAccessToken(options) {
      calls.push(options)
      if (options?.forceRefresh) current = await fresh()
      return current
    },
  }
  return { source, calls }
}

describe('createTelnyxClient with auth', () => {
  it('forces one refresh after a 401 refusing the token and retries with the new token', async () => {
    const { mock, fetch } = await setupTelnyx()
    const { source, calls } = recordingTokenSource('revoked-token', () => mock.issueAccessToken({ clientId: 'spa', scope: 'admin' }))
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })

    await expect(telnyx.oauthGrants.list()).resolves.toMatchObject({ data: expect.any(Array) })

    // The token is read again first: a refresh is forced only because it is still the refused one.
    expect(calls).toEqual([undefined, undefined, { forceRefresh: true }])
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([401, 200])
  })

  it('rejects with the second 401 after a single refresh', async () => {
    const { mock, fetch } = await setupTelnyx()
    const { source, calls } = recordingTokenSource('revoked-token', async () => 'still-revoked')
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })

    await expect(telnyx.oauthGrants.list()).rejects.toMatchObject({ status: 401, code: '10009' })

    expect(calls).toEqual([undefined, undefined, { forceRefresh: true }])
    expect(mock.requests.list()).toHaveLength(2)
  })

  it('retries with a token renewed meanwhile instead of forcing another refresh', async () => {
    const { mock, fetch } = await setupTelnyx()
    const renewed = await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' })
    const tokens = ['revoked-token', renewed]
    const calls: Array<{ forceRefresh?: boolean } | undefined> = []
    // Between the 401 and the retry, another call has already refreshed the session.
    const telnyx = createTelnyxClient(
      {
        auth: {
          getAccessToken: async (options) => {
            calls.push(options)
            return tokens.shift() ?? renewed
          },
        },
      },
      { baseUrl: 'https://api.test/v2', fetch },
    )

    await expect(telnyx.oauthGrants.list()).resolves.toMatchObject({ data: expect.any(Array) })

    expect(calls).toEqual([undefined, undefined])
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([401, 200])
  })

  it('refreshes after a 401 without a challenge, as Telnyx documents its 401s', async () => {
    const { mock, fetch } = await setupTelnyx()
    const { source, calls } = recordingTokenSource(await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' }), () =>
      mock.issueAccessToken({ clientId: 'spa', scope: 'admin' }),
    )
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })
    mock.faults.add({ path: '/v2/oauth_grants', status: 401 })

    await expect(telnyx.oauthGrants.list()).resolves.toMatchObject({ data: expect.any(Array) })

    expect(calls).toEqual([undefined, undefined, { forceRefresh: true }])
    expect(mock.requests.list().map((entry) => entry.status)).toEqual([401, 200])
  })

  it('does not refresh after a 401 whose challenge names another error than invalid_token', async () => {
    const { mock, fetch } = await setupTelnyx()
    const { source, calls } = recordingTokenSource(await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' }), () =>
      mock.issueAccessToken({ clientId: 'spa', scope: 'admin' }),
    )
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })
    mock.faults.add({ path: '/v2/oauth_grants', status: 401, headers: { 'www-authenticate': 'Bearer realm="api", error="invalid_request"' } })

    await expect(telnyx.oauthGrants.list()).rejects.toMatchObject({ status: 401 })

    expect(calls).toEqual([undefined])
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('refreshes again when a later call is refused with the refreshed token', async () => {
    const { mock, fetch } = await setupTelnyx()
    const { source, calls } = recordingTokenSource('revoked-token', async () => 'still-revoked')
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })

    await expect(telnyx.oauthGrants.list()).rejects.toMatchObject({ status: 401 })
    await expect(telnyx.oauthGrants.list()).rejects.toMatchObject({ status: 401 })

    expect(calls.filter((options) => options?.forceRefresh)).toHaveLength(2)
    expect(mock.requests.list()).toHaveLength(4)
  })

  it('does not send the bearer to endpoints that take none', async () => {
    const { fetch, sent } = await setupTelnyx()
    const { source, calls } = recordingTokenSource('some-token', async () => 'other-token')
    const telnyx = createTelnyxClient({ auth: source }, { baseUrl: 'https://api.test/v2', fetch })

    await telnyx.oauth.getJwks()
    await telnyx.wellKnown.getAuthorizationServerMetadata()

    expect(calls).toEqual([])
    expect(sent.every((request) => !request.headers.has('authorization'))).toBe(true)
  })
})

describe('createTelnyxClient with apiKey', () => {
  it('sends the key as a bearer and treats a 401 as final', async () => {
    const { mock, telnyx, sent, userToken } = await setupTelnyx({ credentials: { apiKey: 'wrong-key' } })

    await expect(telnyx.oauthGrants.list()).rejects.toMatchObject({ status: 401 })

    expect(sent[0]?.headers.get('authorization')).toBe('Bearer wrong-key')
    expect(mock.requests.list()).toHaveLength(1)
    expect(userToken).not.toBe('wrong-key')
  })
})

describe('createTelnyxClient with getAccessToken', () => {
  it('asks for the token before every request', async () => {
    const { mock, fetch, sent } = await setupTelnyx()
    const token = await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' })
    let calls = 0
    const telnyx = createTelnyxClient(
      {
        getAccessToken: () => {
          calls += 1
          return token
        },
      },
      { baseUrl: 'https://api.test/v2', fetch },
    )

    await telnyx.oauthGrants.list()
    await telnyx.oauthClients.list()

    expect(calls).toBe(2)
    expect(sent.map((request) => request.headers.get('authorization'))).toEqual([`Bearer ${token}`, `Bearer ${token}`])
  })
})

describe('createTelnyxClient', () => {
  it('refuses more than one credential', () => {
    expect(() => createTelnyxClient({ apiKey: 'key', getAccessToken: () => 'token' } as never)).toThrow(TypeError)
  })

  it('refuses a baseUrl that is not absolute', () => {
    expect(() => createTelnyxClient({}, { baseUrl: '/v2' })).toThrow(TypeError)
  })

  it('defaults to Telnyx, with discovery at the host root', async () => {
    const urls: string[] = []
    const telnyx = createTelnyxClient(
      {},
      {
        maxRetries: 0,
        fetch: async (input) => {
          urls.push(input)
          throw new TypeError('offline')
        },
      },
    )

    await expect(telnyx.wellKnown.getAuthorizationServerMetadata()).rejects.toMatchObject({ code: 'network' })
    await expect(telnyx.oauth.getJwks()).rejects.toMatchObject({ code: 'network' })

    expect(urls).toEqual(['https://api.telnyx.com/.well-known/oauth-authorization-server', 'https://api.telnyx.com/v2/oauth/jwks'])
  })
})
