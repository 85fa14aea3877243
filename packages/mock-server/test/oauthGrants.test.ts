import { describe, expect, it, vi } from 'vitest'
import type { MockServer } from '@pkce-auth/mock-server'
import { authorize, bearer, createTestServer, issuer, pkcePair, postForm, signIn } from './helpers'

const grantsUrl = `${issuer}/v2/oauth_grants`

describe('/v2/oauth_grants', () => {
  it('lists the user\'s grants across pages', async () => {
    const mock = createTestServer()
    for (let i = 0; i < 5; i++) mock.clients.add({ clientId: `client-${i}`, redirectUris: ['https://app.test/callback'] })
    const token = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    // Grants come from approvals; approve five clients for the signed-in user.
    for (let i = 0; i < 5; i++) await signInAs(mock, `client-${i}`)
    const ids: string[] = []
    for (const pageNumber of [1, 2, 3]) {
      const body = await (await mock.fetch(`${grantsUrl}?page[number]=${pageNumber}&page[size]=2`, bearer(token))).json()
      expect(body.meta).toEqual({ page_number: pageNumber, page_size: 2, total_pages: 3, total_results: 5 })
      ids.push(...body.data.map((grant: { id: string }) => grant.id))
    }
    expect(new Set(ids).size).toBe(5)
  })

  it('gets a grant with its last use', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const [grant] = mock.grants.list()
    const response = await mock.fetch(`${grantsUrl}/${grant!.id}`, bearer(tokens.access_token))
    expect(response.status).toBe(200)
    const { data } = await response.json()
    expect(data).toMatchObject({ record_type: 'oauth_grant', id: grant!.id, client_id: 'app', scopes: ['admin'] })
    expect(typeof data.created_at).toBe('string')
    expect(typeof data.last_used_at).toBe('string')
  })

  it('revokes a grant and every token issued under it', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    const other = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    const [grant] = mock.grants.list()
    const response = await mock.fetch(`${grantsUrl}/${grant!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${other}` } })
    expect(response.status).toBe(200)
    expect((await response.json()).data.id).toBe(grant!.id)
    expect((await mock.fetch(grantsUrl, bearer(tokens.access_token))).status).toBe(401)
    const refresh = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' }))
    expect((await refresh.json()).error).toBe('invalid_grant')
    expect((await mock.fetch(`${grantsUrl}/${grant!.id}`, bearer(other))).status).toBe(404)
  })

  it('hides other users\' grants', async () => {
    const mock = createTestServer({
      users: [
        { id: 'user_1', email: 'ada@example.com', name: 'Ada' },
        { id: 'user_2', email: 'grace@example.com', name: 'Grace' },
      ],
    })
    await signIn(mock)
    const [grant] = mock.grants.list()
    const grace = await mock.issueAccessToken({ sub: 'user_2', clientId: 'app', scope: 'admin' })
    expect((await (await mock.fetch(grantsUrl, bearer(grace))).json()).data).toEqual([])
    expect((await mock.fetch(`${grantsUrl}/${grant!.id}`, bearer(grace))).status).toBe(404)
  })

  it('answers 401 for an expired token', async () => {
    const mock = createTestServer({ accessTokenTtl: 60 })
    const token = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 61_000 })
    try {
      const response = await mock.fetch(grantsUrl, bearer(token))
      expect(response.status).toBe(401)
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers 403 without the admin scope and 422 for a bad page size', async () => {
    const mock = createTestServer()
    expect((await mock.fetch(grantsUrl, bearer(await mock.issueAccessToken({ clientId: 'app', scope: 'openid' })))).status).toBe(403)
    const admin = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    const response = await mock.fetch(`${grantsUrl}?page[size]=500`, bearer(admin))
    expect(response.status).toBe(422)
    expect((await response.json()).errors[0].source).toEqual({ parameter: 'page[size]' })
  })
})

async function signInAs(mock: MockServer, clientId: string) {
  const { challenge } = await pkcePair()
  await authorize((input, init) => mock.fetch(input, init), issuer, { clientId, challenge })
}
