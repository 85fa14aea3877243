import type { Context, Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { authenticateBearer } from '../bearerAuth'
import { parseClientInput } from '../clientInput'
import type { MockClient } from '../clientStore'
import { apiError, validationError } from '../errors'
import { paginate } from '../pagination'
import { randomToken, randomUuid } from '../randomToken'
import { clientRecord } from '../records'
import { readJsonObject } from '../requestParams'
import type { ServerContext } from '../serverContext'

const grantTypeValues = ['authorization_code', 'refresh_token', 'client_credentials']

/** Applies the list filters of the reference; resolves to the filtered clients or a 422 naming the bad filter. */
function filterClients(c: Context<AppEnv>, clients: MockClient[]): MockClient[] | Response {
  const query = (name: string) => c.req.query(name)
  let result = clients
  const clientType = query('filter[client_type]')
  if (clientType !== undefined) {
    if (clientType !== 'public' && clientType !== 'confidential') {
      return apiError(c, 422, 'filter[client_type] must be public or confidential.', { parameter: 'filter[client_type]' })
    }
    result = result.filter((client) => client.clientType === clientType)
  }
  const verified = query('filter[verified]')
  if (verified !== undefined) {
    if (verified !== 'true' && verified !== 'false') {
      return apiError(c, 422, 'filter[verified] must be true or false.', { parameter: 'filter[verified]' })
    }
    result = result.filter((client) => client.verified === (verified === 'true'))
  }
  const grantType = query('filter[allowed_grant_types][contains]')
  if (grantType !== undefined) {
    if (!grantTypeValues.includes(grantType)) {
      return apiError(c, 422, `filter[allowed_grant_types][contains] must be one of ${grantTypeValues.join(', ')}.`, {
        parameter: 'filter[allowed_grant_types][contains]',
      })
    }
    result = result.filter((client) => client.allowedGrantTypes.some((type) => type === grantType))
  }
  const name = query('filter[name]')
  if (name !== undefined) result = result.filter((client) => client.name === name)
  const nameContains = query('filter[name][contains]')?.toLowerCase()
  if (nameContains !== undefined) result = result.filter((client) => client.name.toLowerCase().includes(nameContains))
  const clientId = query('filter[client_id]')
  if (clientId !== undefined) result = result.filter((client) => client.clientId === clientId)
  return result
}

/** `/v2/oauth_clients`: the signed-in user's clients (`admin` scope): list, create, get, update, delete. */
export function oauthClientRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/v2/oauth_clients', async (c) => {
    const auth = await authenticateBearer(c, server, { scope: 'admin', apiKey: true })
    if (!auth.ok) return auth.response
    const filtered = filterClients(c, server.clients.list().filter((client) => client.userId === auth.token.userId))
    if (filtered instanceof Response) return filtered
    const page = paginate(c, filtered, (client) => clientRecord(client))
    return page.ok ? c.json(page.body) : page.response
  })

  app.post('/v2/oauth_clients', async (c) => {
    const auth = await authenticateBearer(c, server, { scope: 'admin', apiKey: true })
    if (!auth.ok) return auth.response
    const body = readJsonObject(c)
    if (!body.ok) return apiError(c, 400, body.description)
    const parsed = parseClientInput(body.value, 'create')
    if (!parsed.ok) return validationError(c, parsed.problems)
    const { patch } = parsed
    const client = server.clients.add({
      id: randomUuid(),
      clientId: randomUuid(),
      name: patch.name as string,
      clientType: patch.clientType ?? 'public',
      clientSecret: randomToken(),
      redirectUris: patch.redirectUris ?? [],
      allowedScopes: patch.allowedScopes ?? [],
      allowedGrantTypes: patch.allowedGrantTypes ?? [],
      // Telnyx's default is false; the request says otherwise when it sends require_pkce.
      requirePkce: patch.requirePkce ?? false,
      ...(patch.logoUri ? { logoUri: patch.logoUri } : {}),
      ...(patch.policyUri ? { policyUri: patch.policyUri } : {}),
      ...(patch.tosUri ? { tosUri: patch.tosUri } : {}),
      // A client an admin made: its client-credentials tokens may act on this user's account.
      userId: auth.token.userId ?? null,
    })
    return c.json({ data: clientRecord(client, true) }, 201)
  })

  const findOwn = async (c: Context<AppEnv>) => {
    const auth = await authenticateBearer(c, server, { scope: 'admin', apiKey: true })
    if (!auth.ok) return { response: auth.response }
    const client = server.clients.find(c.req.param('id') ?? '')
    if (!client || client.userId !== auth.token.userId) return { response: apiError(c, 404, 'No such OAuth client.') }
    return { client }
  }

  app.get('/v2/oauth_clients/:id', async (c) => {
    const found = await findOwn(c)
    return found.client ? c.json({ data: clientRecord(found.client) }) : found.response
  })

  app.put('/v2/oauth_clients/:id', async (c) => {
    const found = await findOwn(c)
    if (!found.client) return found.response
    const body = readJsonObject(c)
    if (!body.ok) return apiError(c, 400, body.description)
    const parsed = parseClientInput(body.value, 'update', found.client)
    if (!parsed.ok) return validationError(c, parsed.problems)
    const client = server.clients.update(found.client.clientId, parsed.patch) as MockClient
    return c.json({ data: clientRecord(client) })
  })

  app.delete('/v2/oauth_clients/:id', async (c) => {
    const found = await findOwn(c)
    if (!found.client) return found.response
    server.grants.revokeClient(found.client.clientId)
    server.clients.remove(found.client.clientId)
    return c.body(null, 204)
  })
}
