import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness } from './harness'
import type { Harness } from './harness'

describe('session in Chromium', () => {
  let harness: Harness

  beforeAll(async () => {
    harness = await startHarness()
  })

  afterAll(async () => {
    await harness?.close()
  })

  it('signs in through the mock server and ends on a clean callback URL', async () => {
    const tab = await harness.openTab()
    expect(await harness.state(tab)).toMatchObject({ status: 'signedOut' })
    harness.clearRequests()

    await harness.signIn(tab)

    expect(await harness.state(tab)).toMatchObject({ status: 'signedIn', scope: 'admin' })
    const tokenRequests = harness.requests().filter((request) => request.path === '/v2/oauth/token')
    expect(tokenRequests).toMatchObject([{ method: 'POST', grantType: 'authorization_code', status: 200 }])
    expect(new URL(tab.url()).search).toBe('')
    expect(harness.errors(tab)).toEqual([])
    await tab.close()
  })

  it('shares the session with a new tab of the same origin', async () => {
    const first = await harness.openTab()
    if ((await harness.state(first)).status !== 'signedIn') await harness.signIn(first)
    harness.clearRequests()

    const second = await harness.openTab()
    await harness.waitForStatus(second, 'signedIn')

    expect(harness.requests()).toEqual([])
    await Promise.all([first.close(), second.close()])
  })

  // Reload, storage dumps and the other cross-tab scenarios of issue 4 are in scenarios.test.ts.
})
