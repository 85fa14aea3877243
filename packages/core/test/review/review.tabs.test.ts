import { describe, expect, it, vi } from 'vitest'
import { memoryStorage } from '@pkce-auth/core'
import type { AuthStorage } from '@pkce-auth/core'
import { createTestClient } from '../../../../test/helpers/createTestClient'

const settle = () => new Promise((resolve) => setTimeout(resolve, 100))

/** A storage over `shared` whose session writes can be held back, as a slow IndexedDB write would be. */
function holdableStorage(shared: AuthStorage) {
  let hold: Promise<void> | undefined
  let arrived!: () => void
  let writing!: Promise<void>
  const storage: AuthStorage = {
    get: (key) => shared.get(key),
    del: (key) => shared.del(key),
    set: async (key, value) => {
      if (hold && key.endsWith(':session')) {
        const gate = hold
        hold = undefined
        arrived()
        await gate
      }
      return shared.set(key, value)
    },
  }
  /** Holds the next session write; resolves `writing` when it arrives; returns the release. */
  const holdNext = () => {
    let release!: () => void
    hold = new Promise((resolve) => (release = resolve))
    writing = new Promise((resolve) => (arrived = resolve))
    return { release, writing }
  }
  return { storage, holdNext }
}

describe('review: sign-out against another tab\'s refresh', () => {
  it('a sign-out stays signed out when another tab\'s refresh lands in storage just after it', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const held = holdableStorage(shared)
    const b = createTestClient({ storage: held.storage, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      const { release, writing } = held.holdNext()
      // Tab B's refresh got its tokens and is writing them; tab A signs out meanwhile.
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await writing
      await a.auth.signOut({ revoke: false })
      // B's write lands after A's delete, before A's message reaches B.
      release()
      await refreshed.catch(() => {})
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      expect(b.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
      const reloaded = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
      await expect(reloaded.auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('review: sign-in against another tab\'s sign-out', () => {
  it('a sign-in whose session is being stored when another tab signs out the old session completes', async () => {
    const shared = memoryStorage()
    const held = holdableStorage(shared)
    const a = createTestClient({ storage: held.storage })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      // Tab A signs in again (say, as another account); tab B signs the old session out meanwhile.
      const callback = await a.authorize()
      const { release, writing } = held.holdNext()
      const redirect = a.auth.handleRedirect(callback)
      await writing
      await b.auth.signOut({ revoke: false })
      await expect.poll(() => a.auth.getState().status).toBe('signedOut')
      release()
      await expect(redirect).resolves.toEqual({})
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('review: sign-in against another tab\'s refresh', () => {
  it('a new sign-in in one tab is not overwritten by the old session\'s refresh in another', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const held = holdableStorage(shared)
    const b = createTestClient({ storage: held.storage, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      // Tab B's refresh of the old session got its tokens and is storing them while tab A completes a new sign-in.
      const { release, writing } = held.holdNext()
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await writing
      await a.signIn({ prompt: 'login' })
      const signedIn = await a.auth.getAccessToken()
      // B follows A's sign-in over the channel, then its write lands.
      await expect.poll(() => b.auth.getState()).toEqual(a.auth.getState())
      release()
      await refreshed.catch(() => {})
      await settle()
      expect(await a.auth.getAccessToken()).toBe(signedIn)
      const reloaded = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
      expect(await reloaded.auth.getAccessToken()).toBe(signedIn)
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('review: sign-in against another tab\'s failing refresh', () => {
  it('a new sign-in in one tab is not ended by the old session\'s invalid_grant in another', async () => {
    const shared = memoryStorage()
    const a = createTestClient({ storage: shared })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
    const stops = [a.auth.subscribe(() => {}), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      const old = a.mock.grants.list().map((grant) => grant.id)
      const send = b.fetch.getMockImplementation()!
      let release!: () => void
      let arrived!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      const sent = new Promise<void>((resolve) => (arrived = resolve))
      b.fetch.mockImplementationOnce(async (input, init) => {
        arrived()
        await gate
        return send(input, init)
      })
      // Tab B's refresh of the old session is on the wire; the server has ended that session; tab A signs in anew.
      const refreshed = b.auth.getAccessToken({ forceRefresh: true })
      await sent
      for (const id of old) a.mock.revokeGrant(id)
      await a.signIn({ prompt: 'login' })
      release()
      await expect(refreshed).rejects.toMatchObject({ code: 'invalid_grant' })
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
      const reloaded = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId })
      await expect(reloaded.auth.getAccessToken()).resolves.toEqual(expect.any(String))
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  })
})

describe('review: one tab\'s storage failing', () => {
  it('does not end the session in every tab when one tab\'s session write failed once', async () => {
    const clock = { now: Date.now() }
    const shared = memoryStorage()
    let failNext = false
    // Tab A's IndexedDB connection fails once (Safari's "connection to Indexed Database server lost").
    const storageA: AuthStorage = {
      get: (key) => shared.get(key),
      del: (key) => shared.del(key),
      set: async (key, value) => {
        if (failNext && key.endsWith(':session')) {
          failNext = false
          throw new DOMException('Connection to Indexed Database server lost', 'UnknownError')
        }
        return shared.set(key, value)
      },
    }
    const a = createTestClient({ storage: storageA, now: () => clock.now })
    await a.signIn()
    const b = createTestClient({ storage: shared, mock: a.mock, clientId: a.clientId, now: () => clock.now })
    const fallback = vi.fn()
    const stops = [a.auth.on('storageFallback', fallback), b.auth.subscribe(() => {})]
    try {
      await b.auth.getAccessToken()
      failNext = true
      // Tab A renews the session; its write fails, so it keeps the new tokens in memory only.
      clock.now += 3_600_000
      await a.auth.getAccessToken()
      expect(fallback).toHaveBeenCalledTimes(1)
      // Later, tab B renews (its timer, a focus): nothing in A's failure should cost the user the session.
      clock.now += 3_600_000
      await expect(b.auth.getAccessToken()).resolves.toEqual(expect.any(String))
      await settle()
      expect(a.auth.getState()).toMatchObject({ status: 'signedIn' })
      expect(b.auth.getState()).toMatchObject({ status: 'signedIn' })
    } finally {
      stops.forEach((stop) => stop())
      a.auth.dispose()
      b.auth.dispose()
    }
  }, 20_000)
})
