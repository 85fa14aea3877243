import { afterEach, describe, expect, it } from 'vitest'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import { records } from './records'

/** Defects found in the second session-12 review: each test failed on the code before its fix. */

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const cleanup: (() => void)[] = []
const tick = (ms = 50) => new Promise((resolve) => setTimeout(resolve, ms))

afterEach(() => {
  setAddress('about:blank')
  cleanup.splice(0).forEach((dispose) => dispose())
})

describe('a callback page holding a stored session whose refresh token is dead', () => {
  it('does not refresh (nor end) that session during the code exchange: no signedOut, no sessionExpired, the sign-in stands', async () => {
    const test = createTestClient()
    await test.signIn()
    // The session the user comes back to sign in over: its access token expired, its refresh token refused.
    const stored = records(test.storage)
    const key = sessionKey(test.clientId)
    await stored.set(key, { ...(await stored.get<object>(key)), expiresAt: Date.now() - 1000, refreshToken: 'dead' })
    setAddress(await test.authorize())
    const page = reloadTestClient(test)
    cleanup.push(page.auth.dispose)
    const seen: string[] = []
    cleanup.push(page.auth.subscribe(() => seen.push(page.auth.getState().status)))
    page.auth.on('sessionExpired', () => seen.push('sessionExpired'))
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 200 })
    const outcome = page.auth.handleRedirect()
    await tick()
    // The page gets focus during the code exchange: the client re-checks the session in hand.
    window.dispatchEvent(new Event('focus'))
    await expect(outcome).resolves.toEqual({})
    expect(seen).toEqual(['signedIn'])
    expect(page.auth.getState()).toMatchObject({ status: 'signedIn' })
    expect(test.mock.requests.list().filter((r) => r.grantType === 'refresh_token')).toHaveLength(0)
  })
})
