import type { Context, Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { authenticateBearer } from '../bearerAuth'
import { apiError } from '../errors'
import { paginate } from '../pagination'
import { grantRecord } from '../records'
import type { ServerContext } from '../serverContext'

/** `/v2/oauth_grants`: the signed-in user's grants (`admin` scope); deleting one revokes all its tokens. */
export function oauthGrantRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/v2/oauth_grants', async (c) => {
    const auth = await authenticateBearer(c, server, { scope: 'admin', apiKey: true })
    if (!auth.ok) return auth.response
    let grants = server.grants.list().filter((grant) => grant.userId === auth.token.userId)
    const clientId = c.req.query('filter[client_id]')
    if (clientId !== undefined) grants = grants.filter((grant) => grant.clientId === clientId)
    const page = paginate(c, grants, grantRecord)
    return page.ok ? c.json(page.body) : page.response
  })

  const findOwn = async (c: Context<AppEnv>) => {
    const auth = await authenticateBearer(c, server, { scope: 'admin', apiKey: true })
    if (!auth.ok) return { response: auth.response }
    const grant = server.grants.get(c.req.param('id') ?? '')
    if (!grant || grant.userId !== auth.token.userId) return { response: apiError(c, 404, 'No such OAuth grant.') }
    return { grant }
  }

  app.get('/v2/oauth_grants/:id', async (c) => {
    const found = await findOwn(c)
    return found.grant ? c.json({ data: grantRecord(found.grant) }) : found.response
  })

  app.delete('/v2/oauth_grants/:id', async (c) => {
    const found = await findOwn(c)
    if (!found.grant) return found.response
    server.grants.revoke(found.grant.id)
    return c.json({ data: grantRecord(found.grant) })
  })
}
