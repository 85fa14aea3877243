import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { idbStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import { records } from './records'

/**
 * A callback page racing everything else one browser does: this page's own sign-out, token reads and
 * focus, and another tab's sign-out and sign-in, in any order, over a stored session alive or dead.
 */

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const idb = () => idbStorage()
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const at = (ms: number | null, action: () => Promise<unknown> | void) =>
  ms === null ? Promise.resolve() : wait(ms).then(action).catch(() => {})

afterEach(() => setAddress('about:blank'))

describe('a callback page (property): races with this tab and another', () => {
  it('shows nothing but its own outcome (or its own sign-out) before the callback settles, then agrees with storage in both tabs', async () => {
    const offset = fc.option(fc.integer({ min: 0, max: 40 }), { nil: null })
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          stored: fc.constantFrom('none', 'alive', 'dead'),
          exchangeDelay: fc.integer({ min: 0, max: 30 }),
          signOut: offset,
          token: offset,
          focus: offset,
          otherSignOut: offset,
          otherSignIn: offset,
          dispose: offset,
        }),
        async (plan) => {
          setAddress('about:blank')
          const test = createTestClient({ storage: 'indexeddb' })
          const key = sessionKey(test.clientId)
          if (plan.stored !== 'none') await test.signIn()
          if (plan.stored === 'dead') {
            const view = records(idb())
            await view.set(key, { ...(await view.get<object>(key)), expiresAt: Date.now() - 1000, refreshToken: 'dead' })
          }
          // The other tab is open on another page of the app, restored before this one loads.
          const other = reloadTestClient(test, { storage: 'indexeddb' })
          // Restored, not refreshed: a dead session stays in hand there until something renews it.
          await expect.poll(() => other.auth.getState().status).not.toBe('loading')
          const stopOther = other.auth.subscribe(() => seen.push('other:' + other.auth.getState().status))
          setAddress(await test.authorize())
          const page = reloadTestClient(test, { storage: 'indexeddb' })
          const seen: string[] = []
          let settled = false
          const stopPage = page.auth.subscribe(() => seen.push((settled ? '' : 'early:') + page.auth.getState().status))
          page.auth.on('sessionExpired', () => seen.push('sessionExpired'))
          test.mock.faults.add({ path: '/v2/oauth/token', delayMs: plan.exchangeDelay })
          try {
            const callback = page.auth.handleRedirect().catch(() => {}).finally(() => (settled = true))
            await Promise.all([
              callback,
              at(plan.signOut, () => page.auth.signOut({ revoke: false })),
              at(plan.token, () => page.auth.getAccessToken()),
              at(plan.focus, () => void window.dispatchEvent(new Event('focus'))),
              at(plan.otherSignOut, () => other.auth.signOut({ revoke: false })),
              at(plan.otherSignIn, () => other.signIn()),
              at(plan.dispose, () => page.auth.dispose()),
            ])
            await wait(60)
            const stored = await records(idb()).get<{ accessToken: string }>(key)
            // A page disposed mid-flow answers no more; what it stored, the other tab follows.
            for (const tab of plan.dispose === null ? [page, other] : [other]) {
              const state = tab.auth.getState()
              expect(state.status).not.toBe('loading')
              expect(state.status, `${tab === page ? 'page' : 'other'} ${seen}`).toBe(stored ? 'signedIn' : 'signedOut')
              if (stored) expect(await tab.auth.getAccessToken()).toBe(stored.accessToken)
            }
            const early = seen.filter((s) => s.startsWith('early:'))
            // Before it settles: signed out only by this page's signOut, signed in only by its own outcome.
            if (plan.signOut === null) expect(early).not.toContain('early:signedOut')
            expect(early.filter((s) => s === 'early:signedIn').length).toBeLessThanOrEqual(1)
            expect(seen).not.toContain('sessionExpired')
          } finally {
            stopPage()
            stopOther()
            page.auth.dispose()
            other.auth.dispose()
          }
        },
      ),
      { numRuns: 40, interruptAfterTimeLimit: 4_500, markInterruptAsFailure: false },
    )
  })
})
