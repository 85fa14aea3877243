import { describe, expect, it, vi } from 'vitest'
import { createTestClient } from '../../../../test/helpers/createTestClient'

type Test = ReturnType<typeof createTestClient>

/** Holds back the next token request of `grantType` until `release` (as in races.test.ts). */
function holdTokenRequest(test: Test, grantType: string) {
  let release!: () => void
  let arrived!: () => void
  const gate = new Promise<void>((resolve) => (release = resolve))
  const sent = new Promise<void>((resolve) => (arrived = resolve))
  const send = test.fetch.getMockImplementation()!
  let held = false
  test.fetch.mockImplementation(async (input, init) => {
    if (!held && new URLSearchParams(String(init?.body)).get('grant_type') === grantType) {
      held = true
      arrived()
      await gate
    }
    return send(input, init)
  })
  return { release, sent }
}

describe('review: a refresh that fails after sign-out', () => {
  it('leaves the signed-out state without the stale refresh\'s error', async () => {
    const test = createTestClient()
    await test.signIn()
    const errors = vi.fn()
    const stop = test.auth.on('error', errors)
    const { release, sent } = holdTokenRequest(test, 'refresh_token')
    const refreshed = test.auth.getAccessToken({ forceRefresh: true })
    await sent
    await test.auth.signOut({ revoke: false })
    // The network drops the refresh that no longer matters.
    test.mock.faults.add({ path: '/v2/oauth/token', drop: true })
    release()
    await refreshed.catch(() => {})
    // RequireAuth reads a signed-out state with a `network` error as "sign-in failed" and stops signing in.
    expect(test.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    stop()
    test.auth.dispose()
  })
})
