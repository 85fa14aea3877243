import { telnyxAuthOptions } from '@pkce-auth/telnyx'
import { describe, expect, it } from 'vitest'

const app = { clientId: 'spa', redirectUri: 'https://app.test/callback', scope: 'admin' }

describe('telnyxAuthOptions', () => {
  it('points the core at Telnyx and keeps the app settings', () => {
    expect(telnyxAuthOptions(app)).toEqual({ ...app, issuer: 'https://api.telnyx.com' })
  })

  it('routes the token request through a proxy', () => {
    const options = telnyxAuthOptions({ ...app, tokenEndpoint: 'https://app.test/oauth/token' })

    expect(options.endpoints).toEqual({ token: 'https://app.test/oauth/token' })
    expect(options).not.toHaveProperty('tokenEndpoint')
  })

  it('passes other core options through and lets the issuer be replaced', () => {
    const navigate = () => undefined
    const options = telnyxAuthOptions({ ...app, issuer: 'http://127.0.0.1:4000', storage: 'memory', navigate })

    expect(options).toMatchObject({ issuer: 'http://127.0.0.1:4000', storage: 'memory', navigate })
  })

  it('refuses a missing clientId, redirectUri or scope', () => {
    expect(() => telnyxAuthOptions({ ...app, clientId: '' })).toThrow(TypeError)
    expect(() => telnyxAuthOptions({ ...app, scope: undefined as unknown as string })).toThrow(TypeError)
  })
})
