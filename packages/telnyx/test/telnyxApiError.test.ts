import { TelnyxApiError } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

async function failure(promise: Promise<unknown>): Promise<TelnyxApiError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(TelnyxApiError)
  return error as TelnyxApiError
}

describe('TelnyxApiError', () => {
  it('carries a 401 with the Telnyx errors[] shape', async () => {
    const { telnyx } = await setupTelnyx({ credentials: { apiKey: 'not-a-key' } })

    const error = await failure(telnyx.oauthGrants.list())

    expect(error).toMatchObject({ status: 401, code: '10009', error: undefined, method: 'GET', url: 'https://api.test/v2/oauth_grants' })
    expect(error.errors[0]).toMatchObject({ code: '10009', title: 'Authentication failed', detail: expect.any(String) })
    expect(error.name).toBe('TelnyxApiError')
  })

  it('carries a 403', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: '/v2/oauth_grants', status: 403 })

    const error = await failure(telnyx.oauthGrants.list())

    expect(error).toMatchObject({ status: 403 })
    expect(error.code).toEqual(expect.any(String))
  })

  it('carries a 404 for a missing grant', async () => {
    const { telnyx } = await setupTelnyx()

    const error = await failure(telnyx.oauthGrants.get('00000000-0000-4000-8000-000000000000'))

    expect(error).toMatchObject({ status: 404, code: '10005' })
  })

  it('carries a 422 with the source of the invalid parameter', async () => {
    const { telnyx } = await setupTelnyx()

    const error = await failure(telnyx.oauthClients.list({ page: { size: 1000 } }))

    expect(error.status).toBe(422)
    expect(error.errors[0]?.source).toMatchObject({ parameter: 'page[size]' })
  })

  it('carries a 429 with the rate-limit headers and Retry-After', async () => {
    const { telnyx } = await setupTelnyx({
      server: { rateLimit: { limit: 1, windowSeconds: 30 } },
      options: { maxRetries: 0 },
    })
    await telnyx.oauthGrants.list()

    const error = await failure(telnyx.oauthGrants.list())

    expect(error).toMatchObject({ status: 429, code: '10011', rateLimit: { limit: 1, remaining: 0, resetSeconds: expect.any(Number) } })
    expect(Number(error.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(error.retryAfterMs).toBe(Number(error.headers.get('retry-after')) * 1000)
  })

  it('carries a 500 after the retries', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: '/v2/oauth_grants', status: 500 })

    const error = await failure(telnyx.oauthGrants.list())

    expect(error).toMatchObject({ status: 500, code: '10007' })
  })

  it('carries the OAuth error shape with error_description', async () => {
    const { telnyx } = await setupTelnyx({ credentials: {} })

    const error = await failure(telnyx.oauth.token({ grantType: 'refresh_token', refreshToken: 'unknown', clientId: 'spa' }))

    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', error: 'invalid_grant', errors: [] })
    expect(error.errorDescription).toEqual(expect.any(String))
    expect(error.raw).toMatchObject({ error: 'invalid_grant', error_description: error.errorDescription })
  })

  it('carries a 2xx whose body has no data envelope', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: '/v2/oauth_clients/spa', status: 200, body: { client_id: 'spa' } })

    const error = await failure(telnyx.oauthClients.get('spa'))

    expect(error).toMatchObject({ status: 200, code: undefined, raw: { client_id: 'spa' } })
    expect(error.cause).toBeInstanceOf(TypeError)
    expect(mock.requests.list()).toHaveLength(1)
  })

  it('carries a 2xx with an empty body where a result was due', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: '/v2/oauth_grants/some-id', status: 200, body: '' })
    mock.faults.add({ path: '/v2/oauth/jwks', status: 200, body: '' })

    await expect(failure(telnyx.oauthGrants.get('some-id'))).resolves.toMatchObject({ status: 200, raw: undefined })
    await expect(failure(telnyx.oauth.getJwks())).resolves.toMatchObject({ status: 200, raw: undefined })
  })

  it('carries a list answered without a data list, rather than resolving to an empty page', async () => {
    const { mock, telnyx } = await setupTelnyx()
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { meta: { page_number: 1, total_pages: 3 } }, count: 2 })

    await expect(failure(telnyx.oauthClients.list())).resolves.toMatchObject({ status: 200 })
    const iterate = async () => {
      for await (const client of telnyx.oauthClients.listAutoPaging()) expect(client).toBeUndefined()
    }
    await expect(iterate()).rejects.toBeInstanceOf(TelnyxApiError)
  })

  it('keeps a body that is not JSON as text', async () => {
    const { mock, telnyx } = await setupTelnyx({ options: { maxRetries: 0 } })
    mock.faults.add({ path: '/v2/oauth_grants', status: 502, body: '<html>Bad gateway</html>' })

    const error = await failure(telnyx.oauthGrants.list())

    expect(error).toMatchObject({ status: 502, code: undefined, errors: [], raw: '<html>Bad gateway</html>' })
  })
})
