import type { Hono } from 'hono'
import { isLoopbackHost, isLoopbackOrigin } from '../loopback'
import type { AppEnv } from '../appEnv'
import { parseFault } from '../faultStore'
import type { MockFault } from '../faultStore'
import { readJsonObject } from '../requestParams'
import type { ServerContext } from '../serverContext'

// JSON has no Infinity: an unlimited fault's count goes out as null (and may come in as null).
const toJson = (fault: MockFault) => ({ ...fault, count: fault.count === Infinity ? null : fault.count })

/**
 * The test controls under `/__mock/` (never logged): `POST /__mock/faults` adds a fault, `GET` lists them,
 * `DELETE` clears them; `GET /__mock/requests` is the request log, `DELETE` clears it. Only the developer's
 * own pages may use them: a request with an `Origin` that is not loopback gets 403, and so does a browser
 * request (it sends `Sec-Fetch-*`) whose `Host` is not loopback (a DNS-rebound name). Node sends neither.
 */
export function mockControlRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.use('/__mock/*', async (c, next) => {
    const origin = c.req.header('origin')
    const fromBrowser = c.req.header('sec-fetch-site') !== undefined || c.req.header('sec-fetch-mode') !== undefined
    const host = new URL(c.req.url).hostname
    if ((origin !== undefined && !isLoopbackOrigin(origin)) || (fromBrowser && !isLoopbackHost(host))) {
      return c.json({ error: 'forbidden', error_description: 'The test controls answer pages on this machine (a loopback origin) only' }, 403)
    }
    await next()
  })
  app.post('/__mock/faults', async (c) => {
    const body = readJsonObject(c)
    if (!body.ok) return c.json({ error: 'invalid_fault', error_description: body.description }, 400)
    let fault: MockFault
    try {
      fault = parseFault(body.value)
    } catch (error) {
      return c.json({ error: 'invalid_fault', error_description: (error as Error).message }, 400)
    }
    server.faults.add(fault)
    return c.json(toJson(fault), 201)
  })
  app.get('/__mock/faults', (c) => c.json(server.faults.list().map(toJson)))
  app.delete('/__mock/faults', (c) => {
    server.faults.clear()
    return c.body(null, 204)
  })
  // Rotates the DPoP nonce now (the old one stops working), to drive a `use_dpop_nonce` round.
  app.post('/__mock/dpop-nonce', (c) => {
    if (!server.dpop?.nonce()) return c.json({ error: 'dpop_nonce_off', error_description: 'Start the server with dpop and dpopNonce' }, 409)
    server.dpop.rotateNonce()
    return c.json({ nonce: server.dpop.nonce() })
  })
  app.get('/__mock/requests', (c) => c.json(server.requests.list()))
  app.delete('/__mock/requests', (c) => {
    server.requests.clear()
    return c.body(null, 204)
  })
}
