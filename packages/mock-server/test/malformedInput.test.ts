import { describe, expect, it } from 'vitest'
import { bearer, createTestServer, issuer, jsonRequest, openConsentPage } from './helpers'

const tokenUrl = `${issuer}/v2/oauth/token`

describe('malformed input', () => {
  it('answers invalid_request for malformed JSON at the token endpoint', async () => {
    const response = await createTestServer().fetch(tokenUrl, jsonRequest('POST', '{"grant_type": '))
    expect(response.status).toBe(400)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers invalid_request for a JSON value that is not an object', async () => {
    const response = await createTestServer().fetch(tokenUrl, jsonRequest('POST', '["grant_type"]'))
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers invalid_request for a non-string parameter', async () => {
    const response = await createTestServer().fetch(tokenUrl, jsonRequest('POST', { grant_type: 42, client_id: 'app' }))
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers invalid_request for a repeated form parameter', async () => {
    const response = await createTestServer().fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&grant_type=client_credentials&client_id=app',
    })
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers invalid_request for an unsupported content type', async () => {
    const response = await createTestServer().fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=x' })
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers 413 for an oversized body', async () => {
    const response = await createTestServer().fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=refresh_token&refresh_token=${'x'.repeat(70_000)}`,
    })
    expect(response.status).toBe(413)
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers 413 for an oversized body over the API too', async () => {
    const mock = createTestServer()
    const token = await mock.issueAccessToken({ clientId: 'app', scope: 'admin' })
    const response = await mock.fetch(`${issuer}/v2/oauth_clients`, jsonRequest('POST', { name: 'x'.repeat(70_000) }, token))
    expect(response.status).toBe(413)
    expect((await response.json()).errors[0].code).toBe('10015')
  })

  it('answers 405 with Allow for the wrong method', async () => {
    const response = await createTestServer().fetch(tokenUrl)
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
    expect((await response.json()).error).toBe('invalid_request')
  })

  it('answers 404 in Telnyx\'s shape for an unknown path', async () => {
    const response = await createTestServer().fetch(`${issuer}/v2/nothing-here`)
    expect(response.status).toBe(404)
    expect((await response.json()).errors[0].code).toBe('10005')
  })

  it('answers 422 for a consent decision with wrong types', async () => {
    const mock = createTestServer()
    const token = (await openConsentPage(mock)).portalToken
    const response = await mock.fetch(`${issuer}/v2/oauth/grants`, jsonRequest('POST', { allowed: 'yes', consent_token: 'x' }, token))
    expect(response.status).toBe(422)
    expect((await response.json()).errors[0].source).toEqual({ pointer: '/allowed' })
    const unknownField = await mock.fetch(`${issuer}/v2/oauth/grants`, jsonRequest('POST', { allowed: true, consent_token: 'x', extra: 1 }, token))
    expect((await unknownField.json()).errors[0].source).toEqual({ pointer: '/extra' })
  })

  it('answers 422 for a consent token already decided', async () => {
    const mock = createTestServer()
    const { consentToken, portalToken } = await openConsentPage(mock)
    await mock.fetch(`${issuer}/v2/oauth/grants`, jsonRequest('POST', { allowed: false, consent_token: consentToken }, portalToken))
    const response = await mock.fetch(`${issuer}/v2/oauth/consent/${consentToken}`, bearer(portalToken))
    expect(response.status).toBe(422)
    expect((await response.json()).errors[0].source).toEqual({ parameter: 'consent_token' })
  })

  it('answers a malformed Authorization header with 401 invalid_client', async () => {
    const response = await createTestServer().fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
      body: 'grant_type=client_credentials',
    })
    expect(response.status).toBe(401)
    expect((await response.json()).error).toBe('invalid_client')
  })
})

describe('malformed input over HTTP', () => {
  it('answers 413 for a streamed oversized body without reading it all', async () => {
    const server = await createTestServer().listen()
    try {
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024))
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 1
          if (sent > 64) controller.close()
          else controller.enqueue(chunk)
        },
      })
      const response = await fetch(`${server.url}/v2/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        duplex: 'half',
      } as RequestInit)
      expect(response.status).toBe(413)
    } finally {
      await server.close()
    }
  })
})
