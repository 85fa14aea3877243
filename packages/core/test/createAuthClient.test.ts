import { describe, expect, it } from 'vitest'
import { createAuthClient } from '@pkce-auth/core'
import type { AuthClientOptions } from '@pkce-auth/core'

const valid: AuthClientOptions = {
  issuer: 'https://auth.test',
  clientId: 'app',
  redirectUri: 'https://app.test/callback',
  storage: 'memory',
}

const create = (overrides: Record<string, unknown>) => () =>
  createAuthClient({ ...valid, ...overrides } as AuthClientOptions)

describe('createAuthClient', () => {
  it('returns the client with every method of the contract', () => {
    const auth = createAuthClient(valid)
    for (const name of ['signIn', 'isRedirectCallback', 'handleRedirect', 'getAccessToken', 'fetch', 'signOut', 'getState', 'subscribe', 'dispose']) {
      expect(auth[name as keyof typeof auth]).toBeTypeOf('function')
    }
    expect(auth.getState()).toEqual({ status: 'loading' })
  })

  it.each([
    ['issuer', { issuer: undefined }],
    ['issuer', { issuer: 'not a url' }],
    ['issuer', { issuer: 'http://auth.example.com' }],
    ['clientId', { clientId: '' }],
    ['clientId', { clientId: 42 }],
    ['redirectUri', { redirectUri: undefined }],
    ['redirectUri', { redirectUri: 'http://app.example.com/callback' }],
    ['endpoints.token', { endpoints: { token: 'http://proxy.example.com/token' } }],
    ['endpoints.revocation', { endpoints: { revocation: 'nope' } }],
    ['scope', { scope: ['admin'] }],
    ['storage', { storage: 'localStorage' }],
    ['storage', { storage: { get: () => undefined } }],
    ['storage', { storage: null }],
    ['fetch', { fetch: 'fetch' }],
    ['navigate', { navigate: {} }],
    ['now', { now: 5 }],
    ['refreshLeewaySeconds', { refreshLeewaySeconds: '60' }],
    ['discoveryCacheSeconds', { discoveryCacheSeconds: '1h' }],
    ['resource', { resource: 'api' }],
    ['resource', { resource: 'https://api.test/#x' }],
    ['resource', { resource: [] }],
    ['resource', { resource: ['https://api.test', 42] }],
    ['userInfo', { userInfo: 'yes' }],
    ['signInTimeoutSeconds', { signInTimeoutSeconds: 0 }],
    ['signInTimeoutSeconds', { signInTimeoutSeconds: -1 }],
    ['signInTimeoutSeconds', { signInTimeoutSeconds: Number.NaN }],
    ['signInTimeoutSeconds', { signInTimeoutSeconds: '3600' }],
    ['metadata.issuer', { metadata: { issuer: 'https://other.test', authorization_endpoint: 'https://other.test/a' } }],
    ['issuer', { issuer: undefined, metadata: { issuer: 'http://evil.test' } }],
    ['plugins', { plugins: 'dpop' }],
    ['plugins', { plugins: [{}] }],
    ['plugins', { plugins: [null] }],
  ])('throws a TypeError naming "%s" for a bad value', (name, overrides) => {
    expect(create(overrides)).toThrow(TypeError)
    expect(create(overrides)).toThrow(`"${name}"`)
  })

  it.each(['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000', 'http://localhost'])(
    'accepts the plain-http loopback issuer %s',
    (issuer) => {
      expect(create({ issuer, redirectUri: 'http://localhost:5173/callback' })).not.toThrow()
    },
  )

  it('refuses an http issuer that only looks like loopback', () => {
    expect(create({ issuer: 'http://localhost.evil.com' })).toThrow('"issuer"')
    expect(create({ issuer: 'http://127.0.0.1.evil.com' })).toThrow('"issuer"')
  })

  it('takes the issuer from static metadata', () => {
    expect(create({ issuer: undefined, metadata: { issuer: 'https://auth.test' } })).not.toThrow()
  })

  it('accepts a custom storage object', () => {
    const storage = { get: async () => undefined, set: async () => {}, del: async () => {} }
    expect(create({ storage })).not.toThrow()
  })

  // Each of these was accepted: a NaN from Number(process.env.X), an Infinity meaning "never", a
  // fraction of an attempt. An infinite leeway refreshes in a loop; a timeout of 2³¹ ms or more
  // fires at once (setTimeout's limit), so every request would time out.
  it.each([
    ['retry.attempts', { retry: { attempts: Number.NaN } }],
    ['retry.attempts', { retry: { attempts: 0 } }],
    ['retry.attempts', { retry: { attempts: -1 } }],
    ['retry.attempts', { retry: { attempts: 1.5 } }],
    ['retry.attempts', { retry: { attempts: Infinity } }],
    ['retry.timeoutMs', { retry: { timeoutMs: Number.NaN } }],
    ['retry.timeoutMs', { retry: { timeoutMs: 0 } }],
    ['retry.timeoutMs', { retry: { timeoutMs: -5 } }],
    ['retry.timeoutMs', { retry: { timeoutMs: Infinity } }],
    ['retry.timeoutMs', { retry: { timeoutMs: 2 ** 31 } }],
    ['retry', { retry: 3 }],
    ['refreshLeewaySeconds', { refreshLeewaySeconds: Infinity }],
    ['discoveryCacheSeconds', { discoveryCacheSeconds: Infinity }],
    ['signInTimeoutSeconds', { signInTimeoutSeconds: Infinity }],
  ])('throws a TypeError naming "%s" for a number out of range', (name, overrides) => {
    expect(create(overrides)).toThrow(TypeError)
    expect(create(overrides)).toThrow(`"${name}"`)
  })

  it('accepts the number options at their limits', () => {
    expect(create({ retry: { attempts: 1, timeoutMs: 0.5 } })).not.toThrow()
    expect(create({ retry: { attempts: 20, timeoutMs: 2 ** 31 - 1 } })).not.toThrow()
    expect(create({ retry: {}, refreshLeewaySeconds: 0.5, discoveryCacheSeconds: 0, signInTimeoutSeconds: 0.5 })).not.toThrow()
  })
})
