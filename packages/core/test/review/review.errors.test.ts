import { describe, expect, it, vi } from 'vitest'
import { createTestClient, reloadTestClient } from '../../../../test/helpers/createTestClient'

const discovery = '/.well-known/oauth-authorization-server'

describe('review: discovery while the server is down', () => {
  it('signIn rejects with server_error, retryable', async () => {
    const test = createTestClient()
    test.mock.faults.add({ path: discovery, status: 503 })
    await expect(test.auth.signIn()).rejects.toMatchObject({ code: 'server_error', retryable: true })
  })

  it('getAccessToken still returns a token that works when the refresh cannot discover the server', async () => {
    const clock = { now: Date.now() }
    const test = createTestClient({ now: () => clock.now, discoveryCacheSeconds: 60 })
    await test.signIn()
    const token = await test.auth.getAccessToken()
    // A page load 30 s before expiry: the metadata cache ran out, and discovery answers 503.
    clock.now += 3_600_000 - 30_000
    const reloaded = reloadTestClient(test, { now: () => clock.now })
    test.mock.faults.add({ path: discovery, status: 503 })
    await expect(reloaded.auth.getAccessToken()).resolves.toBe(token)
  })
})

describe('review: a large record', () => {
  it('signIn stores a 200 kB appState and the client keeps its persistent storage', async () => {
    const test = createTestClient()
    const fallback = vi.fn()
    const stop = test.auth.on('storageFallback', fallback)
    await expect(test.auth.signIn({ appState: { draft: 'x'.repeat(200_000) } })).resolves.toBeUndefined()
    expect(fallback).not.toHaveBeenCalled()
    stop()
    test.auth.dispose()
  })
})

describe('review: a token response without scope', () => {
  it('shows the scope this sign-in asked for (RFC 6749 §5.1: omitted means as requested)', async () => {
    const test = createTestClient({ scope: 'admin' })
    const send = test.fetch.getMockImplementation()!
    // A server that leaves `scope` out when it granted what was asked.
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      if (!String(input).endsWith('/v2/oauth/token')) return response
      const { scope: _granted, ...body } = await response.json()
      return Response.json(body, { status: response.status, headers: response.headers })
    })
    await test.signIn({ scope: 'admin openid' })
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', scope: 'admin openid' })
  })
})
