import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MockServer, MockServerListener } from '@pkce-auth/mock-server'
import { appOrigin, createTestServer } from './helpers'

// Over real HTTP: Node's fetch sends the Origin header as given (a browser-like environment would not let us).
describe('CORS', () => {
  let mock: MockServer
  let server: MockServerListener
  beforeEach(async () => {
    mock = createTestServer()
    server = await mock.listen()
  })
  afterEach(() => server.close())

  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${server.url}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
    })

  it('allows the origin of a registered redirect URI on the token endpoint', async () => {
    const response = await fetch(`${server.url}/v2/oauth/token`, {
      method: 'POST',
      headers: { origin: appOrigin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=app',
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin)
    expect(response.headers.get('vary')).toContain('Origin')
    expect(response.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate')
  })

  it('gives any other origin no allow-origin header', async () => {
    const response = await fetch(`${server.url}/v2/oauth/token`, {
      method: 'POST',
      headers: { origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=app',
    })
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers preflights for registered origins with 204 and the allowed methods and headers', async () => {
    for (const path of ['/v2/oauth/token', '/v2/oauth/revoke', '/v2/oauth/introspect', '/v2/oauth/register', '/v2/oauth_clients', '/v2/oauth_grants/abc']) {
      const response = await preflight(path, appOrigin)
      expect(response.status).toBe(204)
      expect(response.headers.get('access-control-allow-origin')).toBe(appOrigin)
      expect(response.headers.get('access-control-allow-methods')).toContain('POST')
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    }
  })

  it('answers preflights from other origins without allow headers', async () => {
    const response = await preflight('/v2/oauth/token', 'https://evil.test')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('follows clients added at runtime', async () => {
    mock.clients.add({ clientId: 'late', redirectUris: ['http://localhost:9999/cb'] })
    const response = await preflight('/v2/oauth/token', 'http://localhost:9999')
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:9999')
  })

  it('serves discovery and JWKS to any origin', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource', '/v2/oauth/jwks']) {
      const response = await fetch(`${server.url}${path}`, { headers: { origin: 'https://anywhere.test' } })
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
    }
  })

  it('opens the test controls to loopback origins', async () => {
    const response = await preflight('/__mock/faults', 'http://127.0.0.1:5173', 'DELETE')
    expect(response.status).toBe(204)
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173')
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE')
  })

  it('exposes the rate-limit headers to registered origins', async () => {
    const response = await fetch(`${server.url}/v2/oauth/token`, {
      method: 'POST',
      headers: { origin: appOrigin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=app',
    })
    expect(response.headers.get('access-control-expose-headers')).toContain('x-ratelimit-remaining')
    expect(response.headers.get('access-control-expose-headers')).toContain('Retry-After')
  })
})
