import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServerListener } from '@pkce-auth/mock-server'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

// Issue 16, finding 9: Telnyx authenticates API calls with an API key as the bearer, its SDKs on every
// call, the seed's introspection call included. The real mock over HTTP, the real Telnyx client.
const apiKey = 'KEY01ABCDEFGHJKMNPQRSTVWXYZ_test'

describe('a Telnyx API key against the mock server', () => {
  let listener: MockServerListener
  let mock: ReturnType<typeof createMockServer>
  beforeEach(async () => {
    mock = createMockServer({ clients: [{ clientId: 'spa', redirectUris: ['http://127.0.0.1:5173/callback'] }], apiKeys: [apiKey] })
    listener = await mock.listen()
  })
  afterEach(() => listener.close())

  it("answers the seed's introspection call as written: telnyx.oauth.introspect({ token })", async () => {
    const telnyx = createTelnyxClient({ apiKey }, { baseUrl: `${listener.url}/v2` })
    const token = await mock.issueAccessToken({ clientId: 'spa', scope: 'admin' })

    const result = await telnyx.oauth.introspect({ token })

    expect(result).toMatchObject({ active: true, clientId: 'spa', scope: 'admin', exp: expect.any(Number) })
    expect(await telnyx.oauth.introspect({ token: 'not-a-token' })).toEqual({ active: false })
  })

  it('manages clients and grants with full rights as its user', async () => {
    const telnyx = createTelnyxClient({ apiKey }, { baseUrl: `${listener.url}/v2` })

    const created = await telnyx.oauthClients.create({
      name: 'Backend',
      allowedScopes: ['admin'],
      clientType: 'confidential',
      allowedGrantTypes: ['client_credentials'],
    })
    const listed = await telnyx.oauthClients.list()
    const grants = await telnyx.oauthGrants.list()

    expect(created).toMatchObject({ name: 'Backend', userId: 'user_1' })
    expect(listed.data.map((client) => client.clientId)).toEqual(['spa', created.clientId])
    expect(grants.data).toEqual([])
  })

  it('refuses a key it was not given, with 401', async () => {
    const telnyx = createTelnyxClient({ apiKey: `${apiKey}-other` }, { baseUrl: `${listener.url}/v2` })

    await expect(telnyx.oauthClients.list()).rejects.toMatchObject({ status: 401 })
  })
})
