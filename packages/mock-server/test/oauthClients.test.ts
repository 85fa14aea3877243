import { describe, expect, it } from 'vitest'
import { bearer, createTestServer, issuer, jsonRequest } from './helpers'
import type { MockServer } from '@pkce-auth/mock-server'

const clientsUrl = `${issuer}/v2/oauth_clients`

async function adminToken(mock: MockServer, scope = 'admin') {
  return mock.issueAccessToken({ clientId: 'app', scope })
}

const newClient = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  allowed_scopes: ['admin'],
  client_type: 'public',
  allowed_grant_types: ['authorization_code', 'refresh_token'],
  redirect_uris: ['https://created.test/cb'],
  require_pkce: true,
  ...extra,
})

describe('/v2/oauth_clients', () => {
  it('creates a client and returns it with 201', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    const response = await mock.fetch(clientsUrl, jsonRequest('POST', newClient('Created')))
    expect(response.status).toBe(401)
    const created = await mock.fetch(clientsUrl, jsonRequest('POST', newClient('Created'), token))
    expect(created.status).toBe(201)
    const { data } = await created.json()
    expect(data).toMatchObject({
      record_type: 'oauth_client',
      name: 'Created',
      client_type: 'public',
      client_secret: null,
      require_pkce: true,
      user_id: 'user_1',
      redirect_uris: ['https://created.test/cb'],
    })
    expect(mock.clients.get(data.client_id)?.name).toBe('Created')
  })

  it('returns the secret of a confidential client on creation only', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    const created = await (
      await mock.fetch(clientsUrl, jsonRequest('POST', newClient('Server', { client_type: 'confidential', allowed_grant_types: ['client_credentials'] }), token))
    ).json()
    expect(typeof created.data.client_secret).toBe('string')
    const fetched = await (await mock.fetch(`${clientsUrl}/${created.data.id}`, bearer(token))).json()
    expect(fetched.data.client_secret).toBeNull()
  })

  it('pages through the list with the Telnyx envelope', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    for (let i = 0; i < 5; i++) await mock.fetch(clientsUrl, jsonRequest('POST', newClient(`Client ${i}`), token))
    // 2 seeded + 5 created = 7 clients; pages of 3.
    const seen: string[] = []
    for (const pageNumber of [1, 2, 3]) {
      const response = await mock.fetch(`${clientsUrl}?page[number]=${pageNumber}&page[size]=3`, bearer(token))
      const body = await response.json()
      expect(body.meta).toEqual({ page_number: pageNumber, page_size: 3, total_pages: 3, total_results: 7 })
      seen.push(...body.data.map((client: { client_id: string }) => client.client_id))
    }
    expect(new Set(seen).size).toBe(7)
    const beyond = await (await mock.fetch(`${clientsUrl}?page[number]=4&page[size]=3`, bearer(token))).json()
    expect(beyond.data).toEqual([])
  })

  it('defaults to page 1 of 20', async () => {
    const mock = createTestServer()
    const body = await (await mock.fetch(clientsUrl, bearer(await adminToken(mock)))).json()
    expect(body.meta).toEqual({ page_number: 1, page_size: 20, total_pages: 1, total_results: 2 })
  })

  it('filters by type, name, grant type, verification and client id', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    await mock.fetch(clientsUrl, jsonRequest('POST', newClient('Alpha Reporting'), token))
    const list = async (query: string) =>
      (await (await mock.fetch(`${clientsUrl}?${query}`, bearer(token))).json()).data.map((client: { client_id: string; name: string }) => client.name)
    expect(await list('filter[client_type]=confidential')).toEqual(['backend'])
    expect(await list('filter[name]=Alpha%20Reporting')).toEqual(['Alpha Reporting'])
    expect(await list('filter[name][contains]=report')).toEqual(['Alpha Reporting'])
    expect(await list('filter[allowed_grant_types][contains]=client_credentials')).toEqual(['backend'])
    expect(await list('filter[verified]=true')).toEqual([])
    expect(await list('filter[client_id]=app')).toEqual(['Test App'])
  })

  it('answers 422 naming the parameter for a bad page size or filter', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    for (const [query, parameter] of [
      ['page[size]=0', 'page[size]'],
      ['page[size]=101', 'page[size]'],
      ['page[number]=0', 'page[number]'],
      ['page[number]=abc', 'page[number]'],
      ['filter[client_type]=robot', 'filter[client_type]'],
      ['filter[verified]=maybe', 'filter[verified]'],
    ]) {
      const response = await mock.fetch(`${clientsUrl}?${query}`, bearer(token))
      expect(response.status).toBe(422)
      const { errors } = await response.json()
      expect(errors[0]).toMatchObject({ code: '10015', source: { parameter } })
    }
  })

  it('gets, updates and deletes a client by id or client_id', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    const { data } = await (await mock.fetch(clientsUrl, jsonRequest('POST', newClient('Editable'), token))).json()
    expect((await mock.fetch(`${clientsUrl}/${data.client_id}`, bearer(token))).status).toBe(200)
    const updated = await mock.fetch(`${clientsUrl}/${data.id}`, jsonRequest('PUT', { name: 'Edited', redirect_uris: ['https://edited.test/cb'] }, token))
    expect(updated.status).toBe(200)
    expect((await updated.json()).data).toMatchObject({ name: 'Edited', redirect_uris: ['https://edited.test/cb'] })
    const deleted = await mock.fetch(`${clientsUrl}/${data.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })
    expect(deleted.status).toBe(204)
    expect((await mock.fetch(`${clientsUrl}/${data.id}`, bearer(token))).status).toBe(404)
  })

  it('answers 422 with a pointer per invalid field', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    const response = await mock.fetch(
      clientsUrl,
      jsonRequest('POST', { name: '', allowed_scopes: 'admin', client_type: 'robot', allowed_grant_types: ['password'], colour: 'red' }, token),
    )
    expect(response.status).toBe(422)
    const pointers = (await response.json()).errors.map((error: { source: { pointer: string } }) => error.source.pointer).sort()
    expect(pointers).toEqual(['/allowed_grant_types', '/allowed_scopes', '/client_type', '/colour', '/name'])
  })

  it('refuses to change client_type on update', async () => {
    const mock = createTestServer()
    const token = await adminToken(mock)
    const response = await mock.fetch(`${clientsUrl}/app`, jsonRequest('PUT', { client_type: 'confidential' }, token))
    expect(response.status).toBe(422)
  })

  it('answers 404 for an unknown client', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(`${clientsUrl}/7f1f4d43-0000-4000-8000-000000000000`, bearer(await adminToken(mock)))
    expect(response.status).toBe(404)
    expect((await response.json()).errors[0].code).toBe('10005')
  })

  it('answers 403 insufficient_scope without the admin scope', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(clientsUrl, bearer(await adminToken(mock, 'profile')))
    expect(response.status).toBe(403)
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"')
    expect((await response.json()).errors[0].code).toBe('10010')
  })

  it('answers 401 with a challenge for a missing or forged token', async () => {
    const mock = createTestServer()
    const missing = await mock.fetch(clientsUrl)
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm=/)
    expect((await missing.json()).errors[0].code).toBe('10009')
    const forged = await mock.fetch(clientsUrl, bearer('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'))
    expect(forged.status).toBe(401)
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"')
    const foreign = await createTestServer().issueAccessToken({ clientId: 'app', scope: 'admin' })
    expect((await mock.fetch(clientsUrl, bearer(foreign))).status).toBe(401)
  })

  it('answers 400 for a malformed JSON body', async () => {
    const mock = createTestServer()
    const response = await mock.fetch(clientsUrl, jsonRequest('POST', '{not json', await adminToken(mock)))
    expect(response.status).toBe(400)
    expect((await response.json()).errors[0].code).toBe('10015')
  })
})
