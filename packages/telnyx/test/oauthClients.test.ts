import { TelnyxApiError } from '@pkce-auth/telnyx'
import type { OAuthClientCreateParams, TelnyxClient } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

const newClient: OAuthClientCreateParams = {
  name: 'Dashboard',
  allowedScopes: ['admin'],
  clientType: 'public',
  allowedGrantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: ['https://dashboard.test/callback'],
  requirePkce: true,
}

/** Adds three clients to the two seeded ones: five in all, three pages of two. */
async function addThreeClients(telnyx: TelnyxClient) {
  for (const name of ['Alpha', 'Beta', 'Gamma']) await telnyx.oauthClients.create({ ...newClient, name })
}

const listedPages = (sent: Array<{ method: string; url: string }>) =>
  sent
    .filter((request) => request.method === 'GET' && new URL(request.url).pathname === '/v2/oauth_clients')
    .map((request) => new URL(request.url).searchParams.get('page[number]'))

describe('oauthClients.create', () => {
  it('creates a client from camelCase parameters and resolves to it', async () => {
    const { telnyx, sent } = await setupTelnyx()

    const client = await telnyx.oauthClients.create(newClient)

    expect(client).toMatchObject({
      recordType: 'oauth_client',
      clientId: expect.any(String),
      name: 'Dashboard',
      clientType: 'public',
      requirePkce: true,
      redirectUris: ['https://dashboard.test/callback'],
      allowedGrantTypes: ['authorization_code', 'refresh_token'],
      createdAt: expect.any(String),
    })
    expect(JSON.parse(sent[0]?.body ?? '')).toMatchObject({ client_type: 'public', require_pkce: true, allowed_scopes: ['admin'] })
  })

  it('answers 201 and keeps the envelope in the raw body', async () => {
    const { telnyx } = await setupTelnyx()

    const { data, raw, response } = await telnyx.oauthClients.create(newClient).withResponse()

    expect(response.status).toBe(201)
    expect(raw).toMatchObject({ data: { client_id: data.clientId, record_type: 'oauth_client' } })
  })

  it('rejects invalid parameters with 422 and the offending field', async () => {
    const { telnyx } = await setupTelnyx()

    const error = await telnyx.oauthClients
      .create({ ...newClient, clientType: 'secret' as 'public' })
      .catch((reason: unknown) => reason)

    expect(error).toBeInstanceOf(TelnyxApiError)
    expect(error).toMatchObject({ status: 422, code: '10015' })
    expect((error as TelnyxApiError).errors[0]?.source).toMatchObject({ pointer: expect.stringContaining('client_type') })
  })
})

describe('oauthClients.get', () => {
  it('resolves to one client', async () => {
    const { telnyx } = await setupTelnyx()
    const created = await telnyx.oauthClients.create(newClient)

    await expect(telnyx.oauthClients.get(created.clientId)).resolves.toEqual(created)
  })

  it('rejects an unknown id with 404', async () => {
    const { telnyx } = await setupTelnyx()

    await expect(telnyx.oauthClients.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      status: 404,
      code: '10005',
    })
  })

  it('refuses an empty id before sending anything', async () => {
    const { telnyx, sent } = await setupTelnyx()

    expect(() => telnyx.oauthClients.get('')).toThrow(TypeError)
    expect(sent).toHaveLength(0)
  })
})

describe('oauthClients.update', () => {
  it('changes only the members given', async () => {
    const { telnyx, sent } = await setupTelnyx()
    const created = await telnyx.oauthClients.create(newClient)

    const updated = await telnyx.oauthClients.update(created.clientId, { name: 'Renamed', redirectUris: ['https://renamed.test/cb'] })

    expect(updated).toMatchObject({ clientId: created.clientId, name: 'Renamed', redirectUris: ['https://renamed.test/cb'], requirePkce: true })
    const request = sent.find((entry) => entry.method === 'PUT')
    expect(JSON.parse(request?.body ?? '')).toEqual({ name: 'Renamed', redirect_uris: ['https://renamed.test/cb'] })
  })
})

describe('oauthClients.delete', () => {
  it('resolves to undefined on 204 and the client is gone', async () => {
    const { telnyx } = await setupTelnyx()
    const created = await telnyx.oauthClients.create(newClient)

    const { data, response } = await telnyx.oauthClients.delete(created.clientId).withResponse()

    expect(response.status).toBe(204)
    expect(data).toBeUndefined()
    await expect(telnyx.oauthClients.get(created.clientId)).rejects.toMatchObject({ status: 404 })
  })

  it('refuses "." and ".." ids, which would address another path, before sending anything', async () => {
    const { telnyx, sent } = await setupTelnyx()

    expect(() => telnyx.oauthClients.delete('..')).toThrow(TypeError)
    expect(() => telnyx.oauthClients.delete('.')).toThrow(TypeError)
    expect(sent).toHaveLength(0)
  })
})

describe('oauthClients.list', () => {
  it('returns one page with camelCase pagination meta', async () => {
    const { telnyx, sent } = await setupTelnyx()
    await addThreeClients(telnyx)

    const page = await telnyx.oauthClients.list({ page: { number: 2, size: 2 } })

    expect(page.data).toHaveLength(2)
    expect(page.meta).toEqual({ pageNumber: 2, pageSize: 2, totalPages: 3, totalResults: 5 })
    const url = new URL(sent.at(-1)?.url ?? '')
    expect(url.searchParams.get('page[number]')).toBe('2')
    expect(url.searchParams.get('page[size]')).toBe('2')
  })

  it('walks three pages that together hold every client once', async () => {
    const { telnyx } = await setupTelnyx()
    await addThreeClients(telnyx)

    const pages = await Promise.all([1, 2, 3].map((number) => telnyx.oauthClients.list({ page: { number, size: 2 } })))

    expect(pages.map((page) => page.data.length)).toEqual([2, 2, 1])
    const ids = pages.flatMap((page) => page.data.map((client) => client.clientId))
    expect(new Set(ids).size).toBe(5)
  })

  it('sends filters as bracketed wire keys', async () => {
    const { telnyx, sent } = await setupTelnyx()
    await addThreeClients(telnyx)

    const page = await telnyx.oauthClients.list({ filter: { clientType: 'confidential', name: { contains: 'serv' } } })

    expect(page.data.map((client) => client.clientId)).toEqual(['service'])
    const url = new URL(sent.at(-1)?.url ?? '')
    expect(url.searchParams.get('filter[client_type]')).toBe('confidential')
    expect(url.searchParams.get('filter[name][contains]')).toBe('serv')
  })
})

describe('oauthClients.listAutoPaging', () => {
  it('follows page_number up to total_pages and requests nothing more', async () => {
    const { telnyx, sent } = await setupTelnyx()
    await addThreeClients(telnyx)

    const names: string[] = []
    for await (const client of telnyx.oauthClients.listAutoPaging({ page: { size: 2 } })) names.push(client.name)

    expect(names).toHaveLength(5)
    expect(names).toEqual(expect.arrayContaining(['Alpha', 'Beta', 'Gamma']))
    expect(listedPages(sent)).toEqual(['1', '2', '3'])
  })

  it('starts at the page asked for and keeps the filters on every page', async () => {
    const { telnyx, sent } = await setupTelnyx()
    await addThreeClients(telnyx)
    await telnyx.oauthClients.create({ ...newClient, name: 'Delta', clientType: 'confidential', allowedGrantTypes: ['client_credentials'] })

    const ids: string[] = []
    for await (const client of telnyx.oauthClients.listAutoPaging({ page: { number: 2, size: 1 }, filter: { clientType: 'public' } })) {
      ids.push(client.clientId)
    }

    expect(ids).toHaveLength(3)
    expect(listedPages(sent)).toEqual(['2', '3', '4'])
    expect(sent.filter((request) => request.method === 'GET').every((request) => request.url.includes('filter%5Bclient_type%5D=public'))).toBe(true)
  })

  it('yields nothing past the last page', async () => {
    const { telnyx, sent } = await setupTelnyx()

    const ids: string[] = []
    for await (const client of telnyx.oauthClients.listAutoPaging({ page: { number: 10 } })) ids.push(client.clientId)

    expect(ids).toEqual([])
    expect(listedPages(sent)).toEqual(['10'])
  })

  it('requests only the pages the loop consumes', async () => {
    const { telnyx, sent } = await setupTelnyx()
    await addThreeClients(telnyx)

    for await (const client of telnyx.oauthClients.listAutoPaging({ page: { size: 2 } })) {
      if (client) break
    }

    expect(listedPages(sent)).toEqual(['1'])
  })

  it('keeps going until an empty page when the server sends no total_pages', async () => {
    const { mock, telnyx, sent } = await setupTelnyx()
    const client = await telnyx.oauthClients.get('spa').withResponse()
    const record = (client.raw as { data: Record<string, unknown> }).data
    // The mock always sends total_pages; these answers stand in for a server that does not.
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [record, record], meta: { page_number: 1 } } })
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [record], meta: { page_number: 2 } } })
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [], meta: { page_number: 3 } } })

    let count = 0
    for await (const item of telnyx.oauthClients.listAutoPaging()) {
      expect(item.clientId).toBe('spa')
      count += 1
    }

    expect(count).toBe(3)
    expect(listedPages(sent)).toEqual(['1', '2', '3'])
  })

  it('stops on an empty page even when total_pages promises more', async () => {
    const { mock, telnyx, sent } = await setupTelnyx()
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [], meta: { page_number: 1, total_pages: 4 } } })

    const items = []
    for await (const item of telnyx.oauthClients.listAutoPaging()) items.push(item)

    expect(items).toEqual([])
    expect(listedPages(sent)).toEqual(['1'])
  })

  it('stops when the server answers with an earlier page than the one asked for', async () => {
    const { mock, telnyx, sent } = await setupTelnyx()
    const record = ((await telnyx.oauthClients.get('spa').withResponse()).raw as { data: unknown }).data
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [record], meta: { page_number: 1 } } })
    // A server that clamps out-of-range page numbers would otherwise repeat its last page forever.
    mock.faults.add({ path: '/v2/oauth_clients', method: 'GET', status: 200, body: { data: [record], meta: { page_number: 1 } } })

    const items = []
    for await (const item of telnyx.oauthClients.listAutoPaging()) items.push(item)

    expect(items).toHaveLength(1)
    expect(listedPages(sent)).toEqual(['1', '2'])
  })
})
