import { describe, expect, it, vi } from 'vitest'
import type { AuthState } from '@pkce-auth/core'
import { createTestClient } from '../../../test/helpers/createTestClient'

describe('subscribe', () => {
  it('calls listeners once per change, with a new snapshot each time', async () => {
    const test = createTestClient()
    const seen: AuthState[] = []
    test.auth.subscribe(() => seen.push(test.auth.getState()))
    await test.signIn()
    await test.auth.signOut()
    expect(seen.map((state) => state.status)).toEqual(['signedOut', 'signedIn', 'signedOut'])
    expect(new Set(seen).size).toBe(3)
  })

  it('does not notify when nothing changed', async () => {
    const test = createTestClient()
    await test.signIn()
    const listener = vi.fn()
    test.auth.subscribe(listener)
    const before = test.auth.getState()
    await test.auth.getAccessToken()
    await test.auth.getAccessToken()
    expect(listener).not.toHaveBeenCalled()
    expect(test.auth.getState()).toBe(before)
  })

  it('notifies on a refresh', async () => {
    const test = createTestClient()
    await test.signIn()
    const listener = vi.fn()
    test.auth.subscribe(listener)
    await test.auth.getAccessToken({ forceRefresh: true })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('stops calling a listener after unsubscribe', async () => {
    const test = createTestClient()
    const listener = vi.fn()
    const unsubscribe = test.auth.subscribe(listener)
    unsubscribe()
    await test.signIn()
    expect(listener).not.toHaveBeenCalled()
  })

  it('stops calling every listener after dispose', async () => {
    const test = createTestClient()
    const listener = vi.fn()
    test.auth.subscribe(listener)
    test.auth.dispose()
    await test.signIn()
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('getState', () => {
  it('is loading until the stored session has been read', async () => {
    const test = createTestClient()
    expect(test.auth.getState()).toEqual({ status: 'loading' })
    await test.auth.getAccessToken().catch(() => {})
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut' })
  })

  it('returns a frozen-in-time snapshot that later changes do not mutate', async () => {
    const test = createTestClient()
    await test.signIn()
    const signedIn = test.auth.getState()
    await test.auth.signOut()
    expect(signedIn.status).toBe('signedIn')
    expect(test.auth.getState()).not.toBe(signedIn)
  })

  it('exposes no tokens', async () => {
    const test = createTestClient()
    await test.signIn()
    const token = await test.auth.getAccessToken()
    expect(JSON.stringify(test.auth.getState())).not.toContain(token)
  })
})
