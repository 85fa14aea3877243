// Scenario 1 of issue 4 as a reusable step, so the test and `npm run bench` measure the same thing.
import type { MockRequestEntry } from '@pkce-auth/mock-server'
import type { Page } from 'playwright-core'
import type { Harness, TokenOutcome } from './harness'

/** What {@link refreshStorm} saw. */
export interface RefreshStorm {
  /** The access token each tab held before the storm. */
  before: string[]
  /** Each tab's `getAccessToken()` outcomes, in call order. */
  outcomes: TokenOutcome[][]
  /** The mock server's request log from the storm's start until every call settled. */
  requests: MockRequestEntry[]
  /** The token requests with `grant_type=refresh_token` among them. */
  refreshRequests: MockRequestEntry[]
}

/**
 * Lets every tab's access token expire, then has each tab call `getAccessToken()` `callsPerTab`
 * times at the same instant. The tabs must share one signed-in session.
 *
 * Expiry is reached by moving each tab's client clock past the token's `expiresAt` (the page's `now`
 * option), not by waiting: that is the browser waking after the tabs slept through the expiry, when
 * timers did not fire and every tab asks for a token at once. The server still considers the old
 * token valid, which a refresh does not care about.
 */
export async function refreshStorm(harness: Harness, tabs: Page[], callsPerTab: number): Promise<RefreshStorm> {
  const before: string[] = []
  const expiries = new Set<number>()
  for (const tab of tabs) {
    const outcome = await harness.getAccessToken(tab)
    if (!('token' in outcome)) throw new Error(`A tab has no token before the storm: ${JSON.stringify(outcome)}`)
    before.push(outcome.token)
    const state = await harness.state(tab)
    if (state.status !== 'signedIn') throw new Error(`A tab is ${state.status} before the storm`)
    expiries.add(state.expiresAt!)
  }
  if (new Set(before).size !== 1 || expiries.size !== 1) throw new Error('The tabs do not share one session before the storm')
  // One offset for every tab: they share one clock, as tabs of one browser do.
  await harness.advanceClocks(tabs, [...expiries][0]! - Date.now() + 1_000)
  harness.clearRequests()
  // One instant for every tab: each waits in the page until then, so no tab starts ahead of the others.
  const startAt = Date.now() + 250
  const outcomes = await Promise.all(
    tabs.map((tab) =>
      tab.evaluate(
        async ({ startAt, callsPerTab }) => {
          const auth = (window as unknown as { auth: { getAccessToken(): Promise<string> } }).auth
          await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()))
          return Promise.all(
            Array.from({ length: callsPerTab }, () =>
              auth.getAccessToken().then(
                (token): TokenOutcome => ({ token }),
                (error): TokenOutcome => ({ error: { code: error?.code, message: String(error?.message), retryable: error?.retryable } }),
              ),
            ),
          )
        },
        { startAt, callsPerTab },
      ),
    ),
  )
  const requests = harness.requests()
  return {
    before,
    outcomes,
    requests,
    refreshRequests: requests.filter((request) => request.path === '/v2/oauth/token' && request.grantType === 'refresh_token'),
  }
}
