import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTestServer, issuer, signIn } from './helpers'

// Issue 16: hostile input at every endpoint, in-process, bounded in runs and time (a few seconds in all).
// The server never answers 5xx outside injected faults, always in the documented error shape of the
// path, and accepts no invalid input.
const limits = { numRuns: 250, interruptAfterTimeLimit: 4000 }
const apiKey = 'KEY-fuzz-0123456789abcdef'

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', '\r\n', '\u0000', '%00', '../..', '"', '{}', 'null'),
  fc.string({ unit: 'binary', maxLength: 20 }),
)
const hostileValue = fc.oneof(hostileString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(hostileString, { maxLength: 3 }))
const hostileObject = fc.dictionary(
  fc.oneof(hostileString, fc.constantFrom('grant_type', 'client_id', 'redirect_uris', 'scope', 'allowed', 'consent_token', 'path', 'status', 'token', 'name')),
  hostileValue,
  { maxKeys: 6 },
)
const body = fc.oneof(
  hostileObject.map((value) => JSON.stringify(value)),
  hostileObject.map((value) => new URLSearchParams(Object.entries(value).map(([k, v]) => [k, String(v)])).toString()),
  fc.constantFrom('{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '[]', 'null', '{', 'grant_type=a&grant_type=b', ''),
  hostileString,
)
const paths = [
  '/.well-known/oauth-authorization-server', '/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/v2',
  '/v2/oauth/jwks', '/v2/oauth/authorize', '/v2/oauth/consent-page', '/v2/oauth/consent/x', '/v2/oauth/grants',
  '/v2/oauth/token', '/v2/oauth/introspect', '/v2/oauth/revoke', '/v2/oauth/register', '/v2/oauth_clients',
  '/v2/oauth_clients/app', '/v2/oauth_grants', '/v2/oauth_grants/x', '/__mock/faults', '/__mock/requests', '/nowhere',
]
const oauthPath = /^\/v2\/oauth\/(token|introspect|revoke|register)$/

type Shape = 'oauth' | 'telnyx' | 'control' | 'html'
// As the README documents: OAuth endpoints answer RFC 6749 errors (429 in Telnyx's shape), the pages HTML,
// the test controls `{ error, error_description }`, everything else (unknown routes and methods too) Telnyx's.
function shapeOf(method: string, path: string, status: number): Shape {
  if (status === 429) return 'telnyx'
  if (oauthPath.test(path)) return 'oauth'
  if (method === 'GET' && (path === '/v2/oauth/authorize' || path === '/v2/oauth/consent-page')) return 'html'
  if (status === 404 || status === 405) return 'telnyx'
  if (path.startsWith('/__mock/')) return 'control'
  return 'telnyx'
}

/** Whether an error body has the documented shape of its path. */
function documented(shape: Shape, contentType: string, text: string): boolean {
  if (shape === 'html') return contentType.startsWith('text/html')
  const json = JSON.parse(text) as Record<string, unknown>
  if (shape === 'oauth' || shape === 'control') return typeof json.error === 'string' && typeof json.error_description === 'string'
  const errors = json.errors as Array<Record<string, unknown>>
  return Array.isArray(errors) && errors.length > 0 && errors.every((error) => ['code', 'title', 'detail'].every((key) => typeof error[key] === 'string'))
}

describe('the server under hostile input', () => {
  it('never answers 5xx, and answers every error in its path\'s documented shape', async () => {
    const mock = createTestServer({ apiKeys: [apiKey], rateLimit: false, registrationRateLimit: false })
    const { access_token: accessToken } = await signIn(mock)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
        fc.constantFrom(...paths),
        fc.option(hostileObject, { nil: undefined }),
        fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/foo+json'),
        fc.constantFrom(undefined, `Bearer ${apiKey}`, `Bearer ${accessToken}`, 'Bearer a.b.c', 'Basic !!!', `Basic ${btoa('backend:s3cret')}`, 'Bearer'),
        fc.constantFrom(undefined, 'https://evil.example', 'null', 'http://127.0.0.1:5173', 'https://app.test'),
        body,
        async (method, path, query, contentType, authorization, origin, text) => {
          const url = new URL(`${issuer}${path}`)
          for (const [key, value] of Object.entries(query ?? {})) url.searchParams.append(key, String(value))
          const headers: Record<string, string> = {}
          if (contentType) headers['content-type'] = contentType
          if (authorization) headers.authorization = authorization
          if (origin) headers.origin = origin
          const hasBody = method !== 'GET' && method !== 'OPTIONS'
          const response = await mock.fetch(url, { method, headers, redirect: 'manual', ...(hasBody ? { body: text } : {}) })
          const responseText = await response.text()
          expect(response.status, `${method} ${path}`).toBeLessThan(500)
          if (response.status >= 400) {
            expect(documented(shapeOf(method, path, response.status), response.headers.get('content-type') ?? '', responseText), `${method} ${url} → ${response.status} ${responseText}`).toBe(true)
          }
        },
      ),
      limits,
    )
    expect(mock.faults.list()).toEqual([])
  }, 20_000)

  // An independent oracle: what a registered redirect URI must look like, written as plainly as possible.
  const acceptable = (uri: string) =>
    !/[\s#]/.test(uri) &&
    (/^https:\/\/[^/?@\\]+(\/|$|\?)/i.test(uri) ||
      /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$|\?)/i.test(uri) ||
      /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+:(?!\/\/[^/]*@)/.test(uri))

  it('registers no redirect URI outside https, loopback http and reverse-domain schemes', async () => {
    const mock = createTestServer({ registrationRateLimit: false })
    const uri = fc
      .tuple(
        fc.constantFrom('https://', 'http://', 'ws://', 'blob:', 'about:', 'view-source:http://', 'com.example.app:', 'myapp:', 'javascript:', 'data:', 'HTTPS://', ' https://', 'file://'),
        fc.constantFrom('', 'user:pw@', '@', 'a@'),
        fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'evil.example', 'app.test:8443', '', '127.0.0.1.evil.example'),
        fc.constantFrom('/cb', '/cb#x', '/c b', '/cb?x=1', '', '/\t', '/cb\n'),
      )
      .map((parts) => parts.join(''))
    await fc.assert(
      fc.asyncProperty(fc.array(uri, { minLength: 1, maxLength: 3 }), async (uris) => {
        const response = await mock.fetch(`${issuer}/v2/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ redirect_uris: uris, token_endpoint_auth_method: 'none' }),
        })
        expect([201, 400]).toContain(response.status)
        if (response.status === 201) for (const registered of uris) expect(acceptable(registered), registered).toBe(true)
        else expect((await response.json()).error).toBe('invalid_client_metadata')
      }),
      limits,
    )
  }, 20_000)

  it('stores only faults that answer as valid HTTP, never hanging or failing with 5xx of its own', async () => {
    const mock = createTestServer({ rateLimit: false })
    const fault = fc.record(
      {
        path: fc.constant('/v2/oauth/jwks'),
        status: fc.oneof(fc.integer({ min: 100, max: 700 }), fc.constant('503')),
        headers: fc.dictionary(
          fc.oneof(fc.constantFrom('retry-after', 'content-length', 'Connection', 'x ok', 'x\r\ny', 'access-control-allow-origin', 'content-type'), hostileString),
          fc.oneof(hostileString, fc.constant('2')),
          { maxKeys: 3 },
        ),
        body: fc.oneof(hostileString, hostileObject),
        count: fc.constantFrom(1, 0, -1, null, 1.5),
      },
      { requiredKeys: ['path'] },
    )
    await fc.assert(
      fc.asyncProperty(fault, async (candidate) => {
        mock.faults.clear()
        const added = await mock.fetch(`${issuer}/__mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(candidate) })
        expect([201, 400]).toContain(added.status)
        if (added.status === 400) {
          expect(mock.faults.list()).toEqual([])
          return
        }
        const response = await mock.fetch(`${issuer}/v2/oauth/jwks`)
        await response.text()
        if (candidate.status !== undefined) expect(response.status).toBe(candidate.status)
        else expect(response.status).toBe(200)
        expect(response.headers.get('access-control-allow-origin')).toBe('*')
      }),
      limits,
    )
  }, 20_000)
})
