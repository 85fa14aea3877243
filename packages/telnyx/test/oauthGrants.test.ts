import type { TelnyxClient } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'
import { personClient, setupTelnyx } from './setupTelnyx'

/** Gives the signed-in user a grant for each of `count` new clients, through the real consent flow. */
async function grantClients(telnyx: TelnyxClient, fetch: (input: string, init: RequestInit) => Promise<Response>, count: number) {
  for (let index = 0; index < count; index += 1) {
    const client = await telnyx.oauthClients.create({
      name: `App ${index}`,
      allowedScopes: ['admin'],
      clientType: 'confidential',
      allowedGrantTypes: ['authorization_code'],
      redirectUris: [`https://app${index}.test/callback`],
    })
    const url = new URL('https://api.test/v2/oauth/authorize')
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: `https://app${index}.test/callback`,
      scope: 'admin',
    }).toString()
    const response = await fetch(url.href, { redirect: 'manual' })
    const consentToken = new URL(response.headers.get('location') ?? '', url).searchParams.get('consent_token') ?? ''
    await (await personClient(fetch, consentToken)).oauth.createGrant({ allowed: true, consentToken })
  }
}

describe('oauthGrants', () => {
  it('lists grants a page at a time with camelCase fields', async () => {
    const { telnyx, fetch } = await setupTelnyx()
    await grantClients(telnyx, fetch, 3)

    const page = await telnyx.oauthGrants.list({ page: { number: 1, size: 2 } })

    expect(page.meta).toMatchObject({ pageNumber: 1, pageSize: 2, totalPages: expect.any(Number) })
    expect(page.data[0]).toMatchObject({ recordType: 'oauth_grant', id: expect.any(String), clientId: expect.any(String), scopes: ['admin'] })
  })

  it('auto-pages across three pages', async () => {
    const { telnyx, fetch, sent } = await setupTelnyx()
    await grantClients(telnyx, fetch, 5)
    const total = (await telnyx.oauthGrants.list()).meta.totalResults ?? 0

    const ids: string[] = []
    for await (const grant of telnyx.oauthGrants.listAutoPaging({ page: { size: 2 } })) ids.push(grant.id)

    expect(ids).toHaveLength(total)
    expect(new Set(ids).size).toBe(total)
    const pages = sent.filter((request) => request.url.includes('/oauth_grants?page')).map((request) => new URL(request.url).searchParams.get('page[number]'))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(pages).toEqual(pages.map((_, index) => String(index + 1)))
  })

  it('gets one grant by id', async () => {
    const { telnyx, fetch } = await setupTelnyx()
    await grantClients(telnyx, fetch, 1)
    const [grant] = (await telnyx.oauthGrants.list()).data

    await expect(telnyx.oauthGrants.get(grant!.id)).resolves.toEqual(grant)
  })

  it('revokes a grant, resolves to it, and it is gone afterwards', async () => {
    const { telnyx, fetch } = await setupTelnyx()
    await grantClients(telnyx, fetch, 1)
    const [grant] = (await telnyx.oauthGrants.list()).data

    const revoked = await telnyx.oauthGrants.delete(grant!.id)

    expect(revoked).toMatchObject({ id: grant!.id, recordType: 'oauth_grant' })
    await expect(telnyx.oauthGrants.get(grant!.id)).rejects.toMatchObject({ status: 404 })
  })

  it('rejects withResponse() with the same error as the call itself', async () => {
    const { telnyx } = await setupTelnyx()

    await expect(telnyx.oauthGrants.get('00000000-0000-4000-8000-000000000000').withResponse()).rejects.toMatchObject({
      name: 'TelnyxApiError',
      status: 404,
    })
  })
})
