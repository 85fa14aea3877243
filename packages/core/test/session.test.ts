import { createStore, get, keys } from 'idb-keyval'
import { describe, expect, it } from 'vitest'
import { idbStorage, memoryStorage } from '@pkce-auth/core'
import type { AuthStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

const settled = async (auth: { getState(): { status: string }; getAccessToken(): Promise<string> }) => {
  await auth.getAccessToken().catch(() => {})
  return auth.getState()
}

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`

describe('session restore', () => {
  it('restores a valid session on reload with zero network requests', async () => {
    const first = createTestClient()
    await first.signIn()
    first.mock.requests.clear()
    const reloaded = reloadTestClient(first)
    expect(reloaded.auth.getState()).toEqual({ status: 'loading' })
    expect(await settled(reloaded.auth)).toMatchObject({ status: 'signedIn', scope: 'admin' })
    expect(first.mock.requests.list()).toEqual([])
    expect(reloaded.fetch).not.toHaveBeenCalled()
  })

  it('keeps the session in its own IndexedDB store, not idb-keyval\'s default one', async () => {
    const first = createTestClient({ storage: 'indexeddb' })
    await first.signIn()
    first.mock.requests.clear()
    const reloaded = createTestClient({ storage: 'indexeddb', mock: first.mock, clientId: first.clientId })
    expect(await settled(reloaded.auth)).toMatchObject({ status: 'signedIn' })
    expect(first.mock.requests.list()).toEqual([])
    const store = createStore('pkce-auth', 'records')
    const record = await get(sessionKey(first.clientId), store)
    // Encrypted at rest: only the versioned ciphertext is in IndexedDB.
    expect(record).toEqual({ v: 1, iv: expect.any(String), data: expect.any(String) })
    expect(await records({ ...idbStorage(), get: (key) => get(key, store) }).get(sessionKey(first.clientId)))
      .toMatchObject({ v: 1, accessToken: expect.any(String), refreshToken: expect.any(String) })
    expect(await keys()).toEqual([])
  })

  it('signs out with session_expired when the stored token expired and there is no refresh token', async () => {
    let now = Date.now()
    const clientId = 'no-refresh-app'
    const first = createTestClient({
      clientId,
      now: () => now,
      server: { clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI], allowedGrantTypes: ['authorization_code'] }] },
    })
    await first.signIn()
    expect(await records(first.storage).get(sessionKey(clientId))).not.toHaveProperty('refreshToken', expect.any(String))
    now += 3_600_000
    const reloaded = reloadTestClient(first, { now: () => now })
    expect(await settled(reloaded.auth)).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
    expect(await records(first.storage).get(sessionKey(clientId))).toBeUndefined()
  })

  it('stays signed in with an expired token and a refresh token, and refreshes on demand', async () => {
    let now = Date.now()
    const first = createTestClient({ now: () => now })
    await first.signIn()
    now += 3_600_000
    first.mock.requests.clear()
    const reloaded = reloadTestClient(first, { now: () => now })
    await expect(reloaded.auth.getAccessToken()).resolves.toEqual(expect.any(String))
    expect(first.mock.requests.list().filter((r) => r.grantType).map((r) => r.grantType)).toEqual(['refresh_token'])
  })

  it('computes the expiry from expires_in on the local clock at receipt', async () => {
    const now = 5_000_000_000_000
    const { auth, signIn } = createTestClient({ now: () => now, server: { accessTokenTtl: 120 } })
    await signIn()
    expect(auth.getState()).toMatchObject({ status: 'signedIn', expiresAt: now + 120_000 })
  })

  it('caps an absurd expires_in, so the stored session stays readable after a reload', async () => {
    const now = 5_000_000_000_000
    const first = createTestClient({ now: () => now })
    const callback = await first.authorize()
    first.mock.faults.add({
      path: '/v2/oauth/token',
      status: 200,
      body: { access_token: 'at', token_type: 'Bearer', expires_in: 1e306, refresh_token: 'rt' },
    })
    await first.auth.handleRedirect(callback)
    expect(first.auth.getState()).toMatchObject({ expiresAt: now + 2 ** 31 * 1000 })
    const reloaded = reloadTestClient(first, { now: () => now })
    await expect(reloaded.auth.getAccessToken()).resolves.toBe('at')
  })

  it.each([
    ['a string', 'garbage'],
    ['null', null],
    ['an array', []],
    ['a record of another version', { v: 2, accessToken: 'at', expiresAt: Date.now() + 60_000 }],
    ['a record without version', { accessToken: 'at', expiresAt: Date.now() + 60_000 }],
    ['a record with a numeric access token', { v: 1, accessToken: 42, expiresAt: Date.now() + 60_000 }],
    ['a record without expiry', { v: 1, accessToken: 'at' }],
    ['a record with a numeric refresh token', { v: 1, accessToken: 'at', refreshToken: 1, expiresAt: 0 }],
  ])('treats %s in storage as no session', async (_name, record) => {
    const storage = memoryStorage()
    const { auth, clientId } = createTestClient({ storage, clientId: `corrupt-${_name.replace(/\W/g, '-')}` })
    await records(storage).set(sessionKey(clientId), record)
    expect(await settled(auth)).toMatchObject({ status: 'signedOut' })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
  })

  it('treats storage that throws or rejects on read as no session', async () => {
    const throwing: AuthStorage = {
      get: () => {
        throw new Error('SecurityError')
      },
      set: async () => {},
      del: () => Promise.reject(new Error('blocked')),
    }
    const rejecting: AuthStorage = { ...throwing, get: () => Promise.reject(new Error('InvalidStateError')) }
    for (const storage of [throwing, rejecting]) {
      const { auth } = createTestClient({ storage })
      expect(await settled(auth)).toMatchObject({ status: 'signedOut' })
    }
  })

  it('keeps working in memory when the session cannot be written', async () => {
    const base = memoryStorage()
    const storage: AuthStorage = {
      ...base,
      set: async (key, value) => {
        if (key.endsWith(':session')) throw new Error('QuotaExceededError')
        return base.set(key, value)
      },
    }
    const { auth, signIn } = createTestClient({ storage })
    await signIn()
    expect(auth.getState().status).toBe('signedIn')
    await expect(auth.getAccessToken()).resolves.toEqual(expect.any(String))
  })
})

describe('session user', () => {
  it('is the validated ID token claims when openid is in scope', async () => {
    const { auth, signIn } = createTestClient({ scope: 'openid admin' })
    await signIn()
    const state = auth.getState()
    expect(state).toMatchObject({ status: 'signedIn', user: { iss: TEST_ISSUER, sub: expect.any(String) } })
    expect(state.status === 'signedIn' && state.user?.unverified).toBeUndefined()
  })

  it('rejects an ID token whose nonce does not match the transaction', async () => {
    const { auth, authorize, storage, clientId } = createTestClient({ scope: 'openid' })
    const callback = await authorize()
    const key = `pkce-auth:${TEST_ISSUER}:${clientId}:transaction:${new URL(callback).searchParams.get('state')}`
    const transaction = await records(storage).get<object>(key)
    await records(storage).set(key, { ...transaction, nonce: 'another-nonce' })
    await expect(auth.handleRedirect(callback)).rejects.toMatchObject({ code: 'invalid_response' })
    expect(await records(storage).get(sessionKey(clientId))).toBeUndefined()
  })

  it('is the access token\'s claims marked unverified when there is no ID token', async () => {
    const { auth, signIn, clientId } = createTestClient()
    await signIn()
    expect(auth.getState()).toMatchObject({
      status: 'signedIn',
      user: { iss: TEST_ISSUER, client_id: clientId, unverified: true },
    })
  })
})
