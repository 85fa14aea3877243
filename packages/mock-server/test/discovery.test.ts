import { describe, expect, it } from 'vitest'
import { createTestServer, issuer } from './helpers'

describe('discovery', () => {
  it('serves RFC 8414 metadata at the root with endpoints under /v2', async () => {
    const response = await createTestServer().fetch(`${issuer}/.well-known/oauth-authorization-server`)
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const metadata = await response.json()
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}/v2/oauth/authorize`,
      token_endpoint: `${issuer}/v2/oauth/token`,
      introspection_endpoint: `${issuer}/v2/oauth/introspect`,
      revocation_endpoint: `${issuer}/v2/oauth/revoke`,
      jwks_uri: `${issuer}/v2/oauth/jwks`,
      registration_endpoint: `${issuer}/v2/oauth/register`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['plain', 'S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      id_token_signing_alg_values_supported: ['ES256'],
    })
    expect(metadata.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']))
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['admin', 'openid']))
    expect(metadata.authorization_response_iss_parameter_supported).toBeUndefined()
  })

  it('advertises the iss parameter only when enabled', async () => {
    const metadata = await (await createTestServer({ issParameter: true }).fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true)
  })

  it('uses the configured issuer verbatim', async () => {
    const mock = createTestServer({ issuer: 'https://login.example.com' })
    const metadata = await (await mock.fetch('http://127.0.0.1/.well-known/oauth-authorization-server')).json()
    expect(metadata.issuer).toBe('https://login.example.com')
    expect(metadata.token_endpoint).toBe('https://login.example.com/v2/oauth/token')
  })

  it('answers as the origin of each request by default', async () => {
    const metadata = await (await createTestServer().fetch('http://localhost:4000/.well-known/oauth-authorization-server')).json()
    expect(metadata.issuer).toBe('http://localhost:4000')
  })

  it('does not serve OpenID Connect discovery', async () => {
    expect((await createTestServer().fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(404)
  })

  it('serves protected-resource metadata', async () => {
    const mock = createTestServer()
    expect(await (await mock.fetch(`${issuer}/.well-known/oauth-protected-resource`)).json()).toEqual({
      resource: issuer,
      authorization_servers: [issuer],
    })
    expect(await (await mock.fetch(`${issuer}/.well-known/oauth-protected-resource/v2`)).json()).toMatchObject({
      resource: `${issuer}/v2`,
      authorization_servers: [issuer],
    })
  })

  it('serves one ES256 signing key', async () => {
    const response = await createTestServer().fetch(`${issuer}/v2/oauth/jwks`)
    const { keys } = await response.json()
    expect(keys).toHaveLength(1)
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    expect(typeof keys[0].kid).toBe('string')
    expect(keys[0].d).toBeUndefined()
  })
})
