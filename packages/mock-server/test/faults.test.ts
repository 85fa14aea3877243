import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MockServer, MockServerListener } from '@pkce-auth/mock-server'
import { createTestServer, issuer, jsonRequest, postForm, signIn } from './helpers'

const metadataUrl = `${issuer}/.well-known/oauth-authorization-server`

describe('faults in-process', () => {
  it('answers the next requests with the injected status, then normally', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/.well-known/oauth-authorization-server', status: 503, count: 2 })
    expect((await mock.fetch(metadataUrl)).status).toBe(503)
    expect((await mock.fetch(metadataUrl)).status).toBe(503)
    expect((await mock.fetch(metadataUrl)).status).toBe(200)
  })

  it('sends the injected headers and body', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/v2/oauth/token', status: 429, headers: { 'retry-after': '2' }, body: { error: 'slow_down' } })
    const response = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'app' }))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('2')
    expect(await response.json()).toEqual({ error: 'slow_down' })
  })

  it('gives an injected status the error shape of its endpoint by default', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/v2/oauth/token', status: 503 })
    mock.faults.add({ path: '/v2/oauth_grants', status: 429 })
    const token = await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'x' }))
    expect((await token.json()).error).toBe('temporarily_unavailable')
    expect((await (await mock.fetch(`${issuer}/v2/oauth_grants`)).json()).errors[0].code).toBe('10011')
  })

  it('changes no server state for a faulted request', async () => {
    const mock = createTestServer()
    const tokens = await signIn(mock)
    mock.faults.add({ path: '/v2/oauth/token', status: 500 })
    const refresh = postForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: 'app' })
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, refresh)).status).toBe(500)
    // Had the faulted request rotated the token, this would be reuse and fail.
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, refresh)).status).toBe(200)
  })

  it('rejects the in-process fetch with a TypeError for a dropped connection', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/v2/oauth/token', drop: true })
    await expect(mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'refresh_token' }))).rejects.toBeInstanceOf(TypeError)
    expect(mock.requests.list()).toMatchObject([{ method: 'POST', path: '/v2/oauth/token', grantType: 'refresh_token', status: 0 }])
  })

  it('delays and then answers normally', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/.well-known/oauth-authorization-server', delayMs: 30 })
    const started = Date.now()
    const response = await mock.fetch(metadataUrl)
    expect(response.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('matches the method when one is given and never faults preflights by accident', async () => {
    const mock = createTestServer()
    mock.faults.add({ path: '/v2/oauth/token', method: 'POST', status: 502, count: Infinity })
    mock.faults.add({ path: '/v2/oauth/revoke', status: 502 })
    const preflight = await mock.fetch(`${issuer}/v2/oauth/revoke`, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, postForm({}))).status).toBe(502)
    expect((await mock.fetch(`${issuer}/v2/oauth/token`, postForm({}))).status).toBe(502)
    expect(mock.faults.list()).toHaveLength(2)
    mock.faults.clear()
    expect(mock.faults.list()).toEqual([])
  })

  it('rejects an invalid fault', () => {
    const mock = createTestServer()
    expect(() => mock.faults.add({ path: 'no-slash', status: 500 })).toThrow(TypeError)
    expect(() => mock.faults.add({ path: '/x', status: 42 })).toThrow(TypeError)
    expect(() => mock.faults.add({ path: '/x' })).toThrow(TypeError)
  })
})

describe('request log', () => {
  it('records method, path, grant type, status, time and origin, but not /__mock/*', async () => {
    const mock = createTestServer()
    const before = Date.now()
    await mock.fetch(`${issuer}/v2/oauth/token`, postForm({ grant_type: 'client_credentials', client_id: 'backend', client_secret: 's3cret' }))
    await mock.fetch(`${issuer}/__mock/requests`)
    const [entry, ...rest] = mock.requests.list()
    expect(rest).toEqual([])
    expect(entry).toMatchObject({ method: 'POST', path: '/v2/oauth/token', grantType: 'client_credentials', status: 200 })
    expect(entry!.at).toBeGreaterThanOrEqual(before)
    mock.requests.clear()
    expect(mock.requests.list()).toEqual([])
  })
})

describe('/__mock over HTTP', () => {
  let mock: MockServer
  let server: MockServerListener
  beforeEach(async () => {
    mock = createTestServer()
    server = await mock.listen()
  })
  afterEach(() => server.close())

  it('adds, lists and clears faults', async () => {
    const added = await fetch(`${server.url}/__mock/faults`, jsonRequest('POST', { path: '/v2/oauth/token', status: 503, count: 2 }))
    expect(added.status).toBe(201)
    const unlimited = await fetch(`${server.url}/__mock/faults`, jsonRequest('POST', { path: '/v2/oauth_grants', status: 500, count: null }))
    expect((await unlimited.json()).count).toBeNull()
    expect(await (await fetch(`${server.url}/__mock/faults`)).json()).toHaveLength(2)
    const token = () => fetch(`${server.url}/v2/oauth/token`, postForm({ grant_type: 'client_credentials', client_id: 'backend', client_secret: 's3cret' }))
    expect((await token()).status).toBe(503)
    expect((await fetch(`${server.url}/__mock/faults`, { method: 'DELETE' })).status).toBe(204)
    expect((await token()).status).toBe(200)
  })

  it('rejects a malformed fault with 400', async () => {
    const response = await fetch(`${server.url}/__mock/faults`, jsonRequest('POST', { path: '/x', status: 'soon' }))
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_fault')
  })

  it('destroys the socket for a dropped connection', async () => {
    await fetch(`${server.url}/__mock/faults`, jsonRequest('POST', { path: '/.well-known/oauth-authorization-server', drop: true }))
    await expect(fetch(`${server.url}/.well-known/oauth-authorization-server`)).rejects.toBeInstanceOf(TypeError)
    expect((await fetch(`${server.url}/.well-known/oauth-authorization-server`)).status).toBe(200)
  })

  it('delays over HTTP', async () => {
    await fetch(`${server.url}/__mock/faults`, jsonRequest('POST', { path: '/v2/oauth/jwks', delayMs: 30 }))
    const started = Date.now()
    expect((await fetch(`${server.url}/v2/oauth/jwks`)).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  })

  it('serves and clears the request log', async () => {
    await fetch(`${server.url}/v2/oauth/jwks`, { headers: { origin: 'https://app.test' } })
    const log = await (await fetch(`${server.url}/__mock/requests`)).json()
    expect(log).toMatchObject([{ method: 'GET', path: '/v2/oauth/jwks', status: 200, origin: 'https://app.test' }])
    expect((await fetch(`${server.url}/__mock/requests`, { method: 'DELETE' })).status).toBe(204)
    expect(await (await fetch(`${server.url}/__mock/requests`)).json()).toEqual([])
  })
})
