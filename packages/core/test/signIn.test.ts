import { describe, expect, it } from 'vitest'
import { AuthError, memoryStorage } from '@pkce-auth/core'
import type { AuthStorage } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

const authorizeUrl = (navigate: { mock: { lastCall?: [string] } }) => new URL(navigate.mock.lastCall![0])

describe('signIn', () => {
  it('navigates to the discovered authorization endpoint with PKCE S256 and a fresh state', async () => {
    const { auth, navigate, clientId } = createTestClient()
    await auth.signIn()
    const url = authorizeUrl(navigate)
    expect(url.origin + url.pathname).toBe(`${TEST_ISSUER}/v2/oauth/authorize`)
    const params = Object.fromEntries(url.searchParams)
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: TEST_REDIRECT_URI,
      scope: 'admin',
      code_challenge_method: 'S256',
    })
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/)
    expect(params.state).toMatch(/^[\w-]{20,}$/)
    expect(params.nonce).toBeUndefined()
  })

  it('uses S256 even when the server also offers plain', async () => {
    const { auth, navigate, mock } = createTestClient()
    const metadata = await (await mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
    expect(metadata.code_challenge_methods_supported).toContain('plain')
    await auth.signIn()
    expect(authorizeUrl(navigate).searchParams.get('code_challenge_method')).toBe('S256')
  })

  it('uses a new state and verifier for every attempt', async () => {
    const { auth, navigate } = createTestClient()
    await auth.signIn()
    await auth.signIn()
    const [first, second] = navigate.mock.calls.map(([url]) => new URL(url).searchParams)
    expect(first!.get('state')).not.toBe(second!.get('state'))
    expect(first!.get('code_challenge')).not.toBe(second!.get('code_challenge'))
  })

  it('sends a nonce when openid is in scope', async () => {
    const { auth, navigate } = createTestClient({ scope: 'openid admin' })
    await auth.signIn()
    expect(authorizeUrl(navigate).searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/)
  })

  it('passes resource, prompt, login_hint and extra parameters through', async () => {
    const { auth, navigate } = createTestClient({
      resource: ['https://api.test', 'https://files.test'],
      extraAuthorizationParams: { ui_locales: 'de' },
    })
    await auth.signIn({ prompt: 'login', loginHint: 'ada@example.com', extraParams: { acr_values: 'mfa' } })
    const params = authorizeUrl(navigate).searchParams
    expect(params.getAll('resource')).toEqual(['https://api.test', 'https://files.test'])
    expect(params.get('prompt')).toBe('login')
    expect(params.get('login_hint')).toBe('ada@example.com')
    expect(params.get('ui_locales')).toBe('de')
    expect(params.get('acr_values')).toBe('mfa')
  })

  it('does not let extra parameters override the security parameters', async () => {
    const { auth, navigate } = createTestClient({ extraAuthorizationParams: { code_challenge_method: 'plain', state: 'fixed' } })
    await auth.signIn()
    const params = authorizeUrl(navigate).searchParams
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('state')).not.toBe('fixed')
    expect(params.getAll('state')).toHaveLength(1)
  })

  it('keeps appState in storage, never in the URL', async () => {
    const storage = memoryStorage()
    const { auth, navigate } = createTestClient({ storage })
    await auth.signIn({ appState: { secretPage: 'x-marks-the-spot' } })
    expect(navigate.mock.lastCall![0]).not.toContain('x-marks-the-spot')
  })

  it.each(['https://evil.test/', '//evil.test/x', '/\\evil.test', 'relative/path', '/\t/evil.test', '/\n/evil.test', '/\r\n/evil.test'])(
    'rejects returnTo %s that is not a same-origin path',
    async (returnTo) => {
      const { auth, navigate } = createTestClient()
      await expect(auth.signIn({ returnTo })).rejects.toThrow(TypeError)
      expect(navigate).not.toHaveBeenCalled()
    },
  )

  it('deletes the transactions of sign-ins that never came back once they expire (an hour)', async () => {
    let time = Date.now()
    const test = createTestClient({ now: () => time })
    const transaction = () => {
      const state = authorizeUrl(test.navigate).searchParams.get('state')
      return `pkce-auth:${TEST_ISSUER}:${test.clientId}:transaction:${state}`
    }
    await test.auth.signIn()
    const abandoned = transaction()
    time += 30 * 60_000
    await test.auth.signIn()
    const recent = transaction()
    expect(await records(test.storage).get(abandoned)).toMatchObject({ v: 1 })
    time += 31 * 60_000
    await test.auth.signIn()
    expect(await records(test.storage).get(abandoned)).toBeUndefined()
    expect(await records(test.storage).get(recent)).toMatchObject({ v: 1 })
    expect(await records(test.storage).get(transaction())).toMatchObject({ v: 1 })
  })

  it('rejects with storage_unavailable when the transaction cannot be stored', async () => {
    const storage: AuthStorage = { ...memoryStorage(), set: async () => Promise.reject(new Error('QuotaExceededError')) }
    const { auth, navigate } = createTestClient({ storage })
    await expect(auth.signIn()).rejects.toMatchObject({ code: 'storage_unavailable' })
    expect(navigate).not.toHaveBeenCalled()
  })

  it('asks the OpenID location when the RFC 8414 one gets no readable answer (a 404 without CORS), before any retry', async () => {
    const { mock } = createTestClient()
    const asked: string[] = []
    const test = createTestClient({
      mock,
      clientId: 'oidc-only-app',
      retry: {},
      fetch: async (input, init) => {
        const { pathname } = new URL(new Request(input, init).url)
        asked.push(pathname)
        // What a browser makes of a 404 without CORS headers.
        if (pathname === '/.well-known/oauth-authorization-server') throw new TypeError('Failed to fetch')
        // The mock serves its metadata only at the RFC 8414 location: the same document, here.
        if (pathname === '/.well-known/openid-configuration') return mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)
        return mock.fetch(new Request(input, init))
      },
    })
    await test.auth.signIn()
    expect(authorizeUrl(test.navigate).pathname).toBe('/v2/oauth/authorize')
    expect(asked).toEqual(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])
  })

  it('retries discovery only when both locations fail, and names both in the error', async () => {
    const asked: string[] = []
    const { auth } = createTestClient({
      retry: { attempts: 2 },
      fetch: async (input, init) => {
        asked.push(new URL(new Request(input, init).url).pathname)
        throw new TypeError('Failed to fetch')
      },
    })
    const error = await auth.signIn().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'network', retryable: true })
    expect((error as Error).message).toContain(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)
    expect((error as Error).message).toContain(`${TEST_ISSUER}/.well-known/openid-configuration`)
    expect((error as Error).message).toContain('CORS')
    expect(asked).toEqual([
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ])
  })

  it('names both locations of an issuer with a path when neither answers', async () => {
    const { auth } = createTestClient({
      issuer: `${TEST_ISSUER}/tenant`,
      retry: { attempts: 1 },
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    const error = await auth.signIn().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'network', url: `${TEST_ISSUER}/.well-known/oauth-authorization-server/tenant` })
    expect((error as Error).message).toMatch(
      `at ${TEST_ISSUER}/.well-known/oauth-authorization-server/tenant, nor at ${TEST_ISSUER}/tenant/.well-known/openid-configuration:`,
    )
  })

  it('sends no discovery request with static metadata', async () => {
    const { mock } = createTestClient()
    const metadata = await (await mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
    const test = createTestClient({ mock, metadata, clientId: 'static-app' })
    await test.auth.signIn()
    expect(authorizeUrl(test.navigate).pathname).toBe('/v2/oauth/authorize')
    expect(test.fetch).not.toHaveBeenCalled()
  })

  it('rejects with network when discovery cannot be reached, and shows the error in the state', async () => {
    const { auth, mock } = createTestClient({ retry: { attempts: 1 } })
    mock.faults.add({ path: '/.well-known/oauth-authorization-server', drop: true })
    await auth.getAccessToken().catch(() => {})
    const error = await auth.signIn().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'network', retryable: true })
    expect(auth.getState()).toMatchObject({ status: 'signedOut', error })
  })
})

describe('signIn discovery', () => {
  it('reads RFC 8414 metadata once and caches it in storage across reloads', async () => {
    const storage = memoryStorage()
    const first = createTestClient({ storage })
    await first.auth.signIn()
    await first.auth.signIn()
    const second = createTestClient({ storage, mock: first.mock, clientId: first.clientId })
    await second.auth.signIn()
    const discovery = first.mock.requests.list().filter((r) => r.path.startsWith('/.well-known/'))
    expect(discovery.map((r) => r.path)).toEqual(['/.well-known/oauth-authorization-server'])
  })

  it('rejects with a retryable server_error when discovery answers 503, without trying OpenID Connect discovery', async () => {
    const test = createTestClient()
    test.mock.faults.add({ path: '/.well-known/oauth-authorization-server', status: 503 })
    await expect(test.auth.signIn()).rejects.toMatchObject({ code: 'server_error', status: 503, retryable: true })
    expect(test.mock.requests.list().map((r) => r.path)).toEqual(['/.well-known/oauth-authorization-server'])
  })

  it('discovers again once the cache has expired', async () => {
    let now = 1_000_000
    const storage = memoryStorage()
    const first = createTestClient({ storage, now: () => now, discoveryCacheSeconds: 60 })
    await first.auth.signIn()
    now += 61_000
    const second = createTestClient({ storage, mock: first.mock, clientId: first.clientId, now: () => now })
    await second.auth.signIn()
    expect(first.mock.requests.list().filter((r) => r.path.startsWith('/.well-known/'))).toHaveLength(2)
  })

  it('falls back to OpenID Connect discovery when RFC 8414 metadata is missing', async () => {
    const { auth, mock, navigate } = createTestClient()
    // The mock serves only RFC 8414 metadata (as Telnyx does); here it moves to the OIDC location.
    const metadata = await (await mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
    mock.requests.clear()
    mock.faults.add({ path: '/.well-known/oauth-authorization-server', status: 404, body: 'not found' })
    mock.faults.add({ path: '/.well-known/openid-configuration', status: 200, body: metadata })
    await auth.signIn()
    expect(mock.requests.list().map((r) => r.path).slice(0, 2)).toEqual([
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
    ])
    expect(navigate).toHaveBeenCalledOnce()
  })

  it('inserts the well-known path before an issuer path (RFC 8414 section 3)', async () => {
    const { auth, mock } = createTestClient({ issuer: `${TEST_ISSUER}/tenant` })
    await expect(auth.signIn()).rejects.toBeInstanceOf(AuthError)
    expect(mock.requests.list().map((r) => r.path)).toEqual([
      '/.well-known/oauth-authorization-server/tenant',
      '/tenant/.well-known/openid-configuration',
    ])
  })

  it('rejects metadata whose issuer does not match', async () => {
    const { auth, mock, navigate } = createTestClient()
    mock.faults.add({
      path: '/.well-known/oauth-authorization-server',
      status: 200,
      body: { issuer: 'https://evil.test', authorization_endpoint: 'https://evil.test/authorize' },
    })
    await expect(auth.signIn()).rejects.toMatchObject({ code: 'invalid_response' })
    expect(navigate).not.toHaveBeenCalled()
  })

  it('uses static metadata without any discovery request', async () => {
    const { auth, mock, navigate } = createTestClient({
      metadata: {
        issuer: TEST_ISSUER,
        authorization_endpoint: `${TEST_ISSUER}/v2/oauth/authorize`,
        token_endpoint: `${TEST_ISSUER}/v2/oauth/token`,
      },
    })
    await auth.signIn()
    expect(navigate).toHaveBeenCalledOnce()
    expect(mock.requests.list()).toEqual([])
  })

  it('refuses a discovered plain-http authorization endpoint off loopback', async () => {
    const { auth, mock, navigate } = createTestClient()
    mock.faults.add({
      path: '/.well-known/oauth-authorization-server',
      status: 200,
      body: { issuer: TEST_ISSUER, authorization_endpoint: 'http://auth.test/authorize', token_endpoint: `${TEST_ISSUER}/t` },
    })
    await expect(auth.signIn()).rejects.toMatchObject({ code: 'invalid_response' })
    expect(navigate).not.toHaveBeenCalled()
  })
})
