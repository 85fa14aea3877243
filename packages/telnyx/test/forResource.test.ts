// `@pkce-auth/core/resources` against the in-process mock server: the Telnyx client takes a handle as
// `auth`, a token whose `aud` names another API is refused (the rotated refresh token kept), and the
// refresh grant carries `resource=` for that API alone.
import { forResource } from '@pkce-auth/core/resources'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { TEST_ISSUER, createTestClient } from '../../../test/helpers/createTestClient'

// The mock server's access tokens are for Telnyx's API (`aud` is the issuer's `/v2`), whatever `resource` asks.
const telnyxApi = `${TEST_ISSUER}/v2`

const refreshBodies = async (fetch: ReturnType<typeof createTestClient>['fetch']) => {
  const bodies = await Promise.all(fetch.mock.calls.map(([input, init]) => new Request(input, init).text()))
  return bodies.map((body) => new URLSearchParams(body)).filter((body) => body.get('grant_type') === 'refresh_token')
}

describe('forResource', () => {
  it('gives the Telnyx client a token for its API, got with a refresh grant for that resource alone', async () => {
    const { auth, fetch, signIn } = createTestClient({ resource: 'https://ignored.example/' })
    await signIn()
    const telnyx = createTelnyxClient({ auth: forResource(auth, telnyxApi) }, { baseUrl: telnyxApi, fetch })
    await expect(telnyx.oauthGrants.list()).resolves.toMatchObject({ data: [expect.objectContaining({ clientId: expect.any(String) })] })
    expect((await refreshBodies(fetch)).map((body) => body.getAll('resource'))).toEqual([[telnyxApi]])
    auth.dispose()
  })

  it('refuses a token whose aud is another API, naming the resource, and keeps the refresh token it rotated', async () => {
    const { auth, fetch, signIn } = createTestClient()
    await signIn()
    const billing = forResource(auth, 'https://billing.example/')
    await expect(billing.getAccessToken()).rejects.toMatchObject({
      name: 'AuthError',
      code: 'invalid_response',
      message: expect.stringContaining('https://billing.example/'),
    })
    // The mock rotates refresh tokens and ends the grant when a spent one comes back: this works only
    // if the rotated one was stored.
    await expect(auth.getAccessToken({ forceRefresh: true })).resolves.toEqual(expect.any(String))
    const [first, second] = await refreshBodies(fetch)
    expect(second!.get('refresh_token')).not.toBe(first!.get('refresh_token'))
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
    auth.dispose()
  })

  it('rejects with login_required when signed out, and with a TypeError for anything but a client', async () => {
    const { auth } = createTestClient()
    await expect(forResource(auth, telnyxApi).getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(() => forResource({ getAccessToken: async () => 'x' } as never, telnyxApi)).toThrow(TypeError)
    auth.dispose()
  })
})
