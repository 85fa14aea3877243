import { describe, expect, it } from 'vitest'
import { setupTelnyx } from './setupTelnyx'

describe('wellKnown.getAuthorizationServerMetadata', () => {
  it('reads RFC 8414 metadata from the host root, in camelCase, without credentials', async () => {
    const { telnyx, sent } = await setupTelnyx()

    const metadata = await telnyx.wellKnown.getAuthorizationServerMetadata()

    expect(metadata).toMatchObject({
      issuer: 'https://api.test',
      authorizationEndpoint: 'https://api.test/v2/oauth/authorize',
      tokenEndpoint: 'https://api.test/v2/oauth/token',
      codeChallengeMethodsSupported: expect.arrayContaining(['S256']),
      tokenEndpointAuthMethodsSupported: expect.arrayContaining(['none']),
    })
    expect(sent[0]?.url).toBe('https://api.test/.well-known/oauth-authorization-server')
    expect(sent[0]?.headers.has('authorization')).toBe(false)
  })

  it('keeps the wire body and the response reachable through withResponse', async () => {
    const { telnyx } = await setupTelnyx()

    const { data, raw, response } = await telnyx.wellKnown.getAuthorizationServerMetadata().withResponse()

    expect(response.status).toBe(200)
    expect(raw).toMatchObject({ token_endpoint: data.tokenEndpoint, response_modes_supported: ['query'] })
  })

  it('uses wellKnownBaseUrl when given', async () => {
    const { telnyx, sent } = await setupTelnyx({ options: { wellKnownBaseUrl: 'https://discovery.test/' } })

    const metadata = await telnyx.wellKnown.getAuthorizationServerMetadata()

    expect(sent[0]?.url).toBe('https://discovery.test/.well-known/oauth-authorization-server')
    expect(metadata.issuer).toBe('https://discovery.test')
  })
})

describe('wellKnown.getProtectedResourceMetadata', () => {
  it('reads RFC 9728 metadata from the host root', async () => {
    const { telnyx, sent } = await setupTelnyx()

    const metadata = await telnyx.wellKnown.getProtectedResourceMetadata()

    expect(metadata).toEqual({ resource: 'https://api.test', authorizationServers: ['https://api.test'] })
    expect(sent[0]?.url).toBe('https://api.test/.well-known/oauth-protected-resource')
  })
})
