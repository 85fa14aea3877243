import { describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { heldStorage } from '../../../test/helpers/heldStorage'
import { records } from './records'

const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms))
const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`

/** Signs in, then rewrites the stored session as a record of the previous version (no `id`). */
async function oldRecord() {
  const shared = memoryStorage()
  const first = createTestClient({ storage: shared })
  await first.signIn()
  first.auth.dispose()
  const clear = records(shared)
  const { id, ...old } = (await clear.get<Record<string, unknown>>(sessionKey(first.clientId)))!
  expect(id).toEqual(expect.any(String))
  await clear.set(sessionKey(first.clientId), old)
  return { shared, first }
}

describe('a refresh stopped between attempts', () => {
  it('settles and frees the lock at once when signed out while its retry re-reads storage', async () => {
    const shared = memoryStorage()
    const held = heldStorage(shared)
    const test = createTestClient({ storage: held.storage, retry: { attempts: 2, timeoutMs: 3000 } })
    await test.signIn()
    const errors = vi.fn()
    test.auth.on('error', errors)
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, headers: { 'retry-after': '6' } })
    const send = test.fetch.getMockImplementation()!
    let gate: ReturnType<typeof held.hold> | undefined
    test.fetch.mockImplementation(async (input, init) => {
      const response = await send(input, init)
      // The 503 is back: the next session read is the retry's check of storage; hold it.
      if (response.status === 503) gate = held.hold('get', 'late')
      return response
    })
    const refreshed = test.auth.getAccessToken({ forceRefresh: true }).then(() => 'resolved', () => 'rejected')
    await vi.waitFor(() => expect(gate).toBeDefined())
    await gate!.reached
    const signingOut = test.auth.signOut({ revoke: false })
    await expect.poll(() => test.auth.getState().status).toBe('signedOut')
    gate!.release()
    try {
      const outcome = await Promise.race([refreshed, settle(1000).then(() => 'pending')])
      // Signed out: the refresh is moot, its lock free, storage cleared; no retry is announced.
      expect(outcome).toBe('rejected')
      expect(errors.mock.calls.filter(([event]) => event.willRetry)).toEqual([])
      await signingOut
      await expect(reloadTestClient(test).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    } finally {
      await Promise.all([refreshed, signingOut])
      test.auth.dispose()
    }
  }, 20_000)
})

describe('sessions stored by the previous version (no id)', () => {
  it('a refresh of one emits tokenRefreshed, not signedIn', async () => {
    const { shared, first } = await oldRecord()
    const test = reloadTestClient(first, { storage: shared })
    const signedIn = vi.fn()
    const refreshed = vi.fn()
    await test.auth.getAccessToken()
    test.auth.on('signedIn', signedIn)
    test.auth.on('tokenRefreshed', refreshed)
    try {
      await test.auth.getAccessToken({ forceRefresh: true })
      expect(signedIn).not.toHaveBeenCalled()
      expect(refreshed).toHaveBeenCalledTimes(1)
    } finally {
      test.auth.dispose()
    }
  })

  it('a tab following another tab\'s refresh of one emits tokenRefreshed, not signedIn', async () => {
    const { shared, first } = await oldRecord()
    const a = reloadTestClient(first, { storage: shared })
    const b = reloadTestClient(first, { storage: shared })
    const signedIn = vi.fn()
    const refreshed = vi.fn()
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await a.auth.getAccessToken()
      await b.auth.getAccessToken()
      stops.push(b.auth.on('signedIn', signedIn), b.auth.on('tokenRefreshed', refreshed))
      const token = await a.auth.getAccessToken({ forceRefresh: true })
      await vi.waitFor(() => expect(signedIn.mock.calls.length + refreshed.mock.calls.length).toBe(1))
      expect(await b.auth.getAccessToken()).toBe(token)
      expect(signedIn).not.toHaveBeenCalled()
      expect(refreshed).toHaveBeenCalledTimes(1)
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })

  it('a sign-out in a tab still holding one clears storage once another tab has refreshed it', async () => {
    const { shared, first } = await oldRecord()
    // Tab A only calls the API (no listener, so no channel): it holds the record as loaded.
    const a = reloadTestClient(first, { storage: shared })
    const b = reloadTestClient(first, { storage: shared })
    const stop = b.auth.subscribe(() => {})
    try {
      await a.auth.getAccessToken()
      await b.auth.getAccessToken({ forceRefresh: true })
      await a.auth.signOut()
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedOut' })
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut' })
      // Signed out everywhere: a reload must not bring the session back.
      await expect(reloadTestClient(first, { storage: shared }).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    } finally {
      stop()
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('a tab reading its messages late', () => {
  it('does not stay signed in with a session that another tab replaced and then signed out', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const heldB = heldStorage(shared)
    const b = createTestClient({ storage: heldB.storage, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      // B reads its messages late (a frozen background tab, a slow read): A signs in anew, then out.
      const { release, reached: reading } = heldB.hold('get', 'late')
      await a.signIn({ prompt: 'login' })
      await reading
      await a.auth.signOut({ revoke: false })
      release()
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedOut' })
      await expect(reloadTestClient(a).auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
      // Storage holds no session and the user signed out: B must not go on as signed in.
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})
