// Issue 4's scenarios in Chromium: one session shared by several tabs of one origin, through expiry,
// server failures, rate limits, going offline, revocation, tampering and reloads. Each scenario gets
// its own mock server, app origin and browser context (fresh storage, locks and channels) in one
// shared Chromium, and asserts on the mock server's request log and on the state of every tab.
import type { MockRequestEntry } from '@pkce-auth/mock-server'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, startHarness } from './harness'
import type { Harness, HarnessOptions, PageState, TokenOutcome } from './harness'
import { refreshStorm } from './refreshStorm'

const TOKEN = '/v2/oauth/token'

const refreshes = (requests: MockRequestEntry[]) =>
  requests.filter((request) => request.path === TOKEN && request.grantType === 'refresh_token')

const tokenOf = (outcome: TokenOutcome) => ('token' in outcome ? outcome.token : undefined)

describe('one session across tabs in Chromium', () => {
  let browser: Browser
  let harness: Harness | undefined

  beforeAll(async () => {
    browser = await launchBrowser()
  })

  afterEach(async () => {
    await harness?.close()
    harness = undefined
  })

  afterAll(async () => {
    await browser?.close()
  })

  // An hour-long token unless a scenario needs real expiry; ten minutes keeps the cached discovery
  // document (an hour) valid when a scenario moves the tabs' clocks past the token's expiry.
  const start = async (options: Omit<HarnessOptions, 'browser'> = {}) =>
    (harness = await startHarness({ ...options, browser, mockOptions: { accessTokenTtl: 600, ...options.mockOptions } }))

  /** Moves every tab's client clock, by the same amount, just past the shared token's expiry (see `refreshStorm`). */
  const expire = async (h: Harness, tabs: Page[]) => {
    const { expiresAt } = await h.state(tabs[0]!)
    await h.advanceClocks(tabs, expiresAt! - Date.now() + 1_000)
  }

  /** Every tab's token, read through `getAccessToken()`; asserts that reading sent nothing. */
  const tokensOf = async (h: Harness, tabs: Page[]) => {
    const sent = tabs.map((tab) => h.pageRequests(tab).length)
    const tokens = await Promise.all(tabs.map(async (tab) => tokenOf(await h.getAccessToken(tab))))
    expect(tabs.map((tab) => h.pageRequests(tab).length)).toEqual(sent)
    return tokens
  }

  const statuses = async (h: Harness, tabs: Page[]) => Promise.all(tabs.map((tab) => h.state(tab)))

  /** Waits until `tab` holds the session that expires at `expiresAt`: another tab's news arrives over the channel and a storage read. */
  const caughtUp = (tab: Page, expiresAt: number) =>
    tab.waitForFunction(
      (expiresAt) => (window as unknown as { states: PageState[] }).states.at(-1)!.expiresAt === expiresAt,
      expiresAt,
      { timeout: 5_000 },
    )

  /** No uncaught exception, unhandled rejection or `console.error` from script in any of the tabs. */
  const expectNoExceptions = (h: Harness, tabs: Page[]) => {
    for (const tab of tabs) expect(h.exceptions(tab)).toEqual([])
  }

  /** The page's events named `name`, each reduced to its detail. */
  const eventsOf = async (h: Harness, tab: Page, name: string) =>
    (await h.events(tab)).filter((event) => event.name === name).map((event) => event.detail)

  const signedOutSince = (states: PageState[], index: number) =>
    states.slice(index).filter((state) => state.status === 'signedOut')

  it('sends one refresh request when 5 tabs call getAccessToken 20 times each after expiry', async () => {
    const h = await start()
    const tabs = await h.openSignedInTabs(5)

    const storm = await refreshStorm(h, tabs, 20)

    expect(storm.refreshRequests, JSON.stringify(storm.requests)).toMatchObject([{ method: 'POST', status: 200 }])
    expect(storm.requests).toHaveLength(1)
    const tokens = storm.outcomes.flat().map(tokenOf)
    expect(tokens).toHaveLength(100)
    expect(tokens.every((token) => typeof token === 'string')).toBe(true)
    const refreshed = (await h.settledTokenResponses()).at(-1)!.access_token
    expect(new Set(tokens)).toEqual(new Set([refreshed]))
    expect(refreshed).not.toBe(storm.before[0])
    const sent = tabs.flatMap((tab) => h.pageRequests(tab)).filter((request) => request.path === TOKEN)
    expect(sent).toHaveLength(2) // the sign-in's code exchange and the one refresh
    const states = await statuses(h, tabs)
    expect(states.every((state) => state.status === 'signedIn' && state.expiresAt === states[0]!.expiresAt)).toBe(true)
    expect(await tokensOf(h, tabs)).toEqual(tabs.map(() => refreshed))
    // The tabs tell the same story: one refreshed on demand, the others took its token from storage.
    const sources = await Promise.all(tabs.map(async (tab) => (await eventsOf(h, tab, 'tokenRefreshed')).map((detail) => detail.source)))
    expect(sources.flat().sort()).toEqual(['demand', 'otherTab', 'otherTab', 'otherTab', 'otherTab'])
    expectNoExceptions(h, tabs)
  })

  it('completes the refresh in another tab when the tab holding the lock is closed mid-refresh', async () => {
    const h = await start()
    const [holder, waiter, idle] = (await h.openSignedInTabs(3)) as [Page, Page, Page]
    await expire(h, [holder, waiter, idle])
    const delayMs = 3_000
    // The holder's request hangs, and its tab dies before the server answers. `drop` keeps the server
    // from processing it after the tab is gone: had the server rotated the refresh token for a tab that
    // never stored the result, the next refresh would present a spent token and reuse detection would
    // end the session, which no client can prevent.
    h.fault({ path: TOKEN, method: 'POST', delayMs, drop: true })
    h.clearRequests()

    const sentByHolder = holder.waitForRequest((request) => request.url().endsWith(TOKEN))
    void h.getAccessToken(holder).catch(() => {})
    await sentByHolder
    const waiting = h.getAccessToken(waiter)
    // The waiter is queued behind the lock, not refreshing on its own.
    await waiter.waitForTimeout(200)
    expect(h.pageRequests(waiter).filter((request) => request.path === TOKEN)).toEqual([])
    const closedAt = Date.now()
    await holder.close()

    const outcome = await waiting
    expect(outcome).toMatchObject({ token: expect.any(String) })
    // Handed over when the holder died, not after its request would have ended (or the lock wait timed out).
    const heldRefresh = refreshes(h.requests()).find((request) => request.status === 200)
    expect(heldRefresh!.at).toBeLessThan(closedAt + delayMs)
    await expect.poll(() => refreshes(h.requests()).map((request) => request.status), { timeout: delayMs + 2_000 }).toEqual([200, 0])
    const waiterState = await h.state(waiter)
    expect(waiterState).toMatchObject({ status: 'signedIn' })
    await caughtUp(idle, waiterState.expiresAt!)
    expect(await h.state(idle)).toMatchObject({ status: 'signedIn' })
    expect(h.pageRequests(idle)).toEqual([])
    expect(await tokensOf(h, [waiter, idle])).toEqual([tokenOf(outcome), tokenOf(outcome)])
    expectNoExceptions(h, [waiter, idle])
  })

  it('signs out the other tab within a second of a sign-out, with no request of its own', async () => {
    const h = await start()
    const [a, b] = (await h.openSignedInTabs(2)) as [Page, Page]
    h.clearRequests()
    const bSent = h.pageRequests(b).length

    const signedOutAt = Date.now()
    await a.evaluate(() => (window as unknown as { auth: { signOut(): Promise<void> } }).auth.signOut())
    await h.waitForStatus(b, 'signedOut', { reason: 'signed_out', timeoutMs: 5_000 })

    const { states: times } = await h.stateTimes(b)
    expect(times.at(-1)!.at - signedOutAt).toBeLessThan(1_000)
    expect(h.pageRequests(b).length).toBe(bSent)
    // What reached the server is the sign-out tab's revocation (RFC 7009), nothing else.
    const revocations = h.requests()
    expect(revocations.length).toBeGreaterThanOrEqual(1)
    expect(revocations.every((request) => request.method === 'POST' && request.path === '/v2/oauth/revoke' && request.status === 200)).toBe(true)
    expect(h.pageRequests(a).filter((request) => request.at >= signedOutAt && request.method === 'POST')).toHaveLength(revocations.length)
    expect(await h.state(a)).toMatchObject({ status: 'signedOut', reason: 'signed_out' })
    for (const tab of [a, b]) expect(await eventsOf(h, tab, 'signedOut')).toEqual([{ reason: 'signed_out' }])
    expectNoExceptions(h, [a, b])
    expect(await h.getAccessToken(b)).toMatchObject({ error: { code: 'login_required' } })
    expect(h.pageRequests(b).length).toBe(bSent)
  })

  it('stops another tab\'s slow refresh when a tab signs out: the sign-out holds in both tabs and after a reload', async () => {
    const h = await start()
    const [a, b] = (await h.openSignedInTabs(2)) as [Page, Page]
    h.clearRequests()
    // B's refresh reaches a server that takes 4 s to answer; B holds the refresh lock meanwhile.
    h.fault({ path: '/v2/oauth/token', delayMs: 4_000, count: 1 })
    const refreshing = h.getAccessToken(b, { forceRefresh: true })
    await expect.poll(() => h.pageRequests(b).some((request) => request.path === '/v2/oauth/token')).toBe(true)

    await a.evaluate(() => (window as unknown as { auth: { signOut(options: object): Promise<void> } }).auth.signOut({ revoke: false }))
    // A's sign-out finished (storage cleared under the lock) while the server still held B's request:
    // B stopped its refresh on A's word instead of holding the lock until the answer.
    expect(h.requests().filter((request) => request.path === '/v2/oauth/token')).toEqual([])
    expect(await refreshing).toMatchObject({ error: { code: 'login_required' } })
    await h.waitForStatus(b, 'signedOut', { reason: 'signed_out', timeoutMs: 5_000 })
    for (const tab of [a, b]) expect(await eventsOf(h, tab, 'signedOut')).toEqual([{ reason: 'signed_out' }])

    await h.reload(b)
    expect(await h.state(b)).toMatchObject({ status: 'signedOut' })
    expect(await h.getAccessToken(b)).toMatchObject({ error: { code: 'login_required' } })
    expectNoExceptions(h, [a, b])
  })

  it('stays signed in through two 503s from the token endpoint and ends with one new token', async () => {
    const h = await start()
    const tabs = (await h.openSignedInTabs(2)) as [Page, Page]
    const marks = await Promise.all(tabs.map(async (tab) => (await h.states(tab)).length))
    await expire(h, tabs)
    h.fault({ path: TOKEN, method: 'POST', status: 503, count: 2 })
    const responses = (await h.settledTokenResponses()).length
    h.clearRequests()

    const outcome = await h.getAccessToken(tabs[0])

    expect(refreshes(h.requests()).map((request) => request.status)).toEqual([503, 503, 200])
    expect(h.requests()).toHaveLength(3)
    const fresh = (await h.settledTokenResponses()).slice(responses)
    expect(fresh).toHaveLength(1)
    expect(outcome).toEqual({ token: fresh[0]!.access_token })
    await caughtUp(tabs[1], (await h.state(tabs[0])).expiresAt!)
    for (const [i, tab] of tabs.entries()) {
      expect(signedOutSince(await h.states(tab), marks[i]!)).toEqual([])
      const state = await h.state(tab)
      expect(state.status).toBe('signedIn')
      expect(state.error).toBeUndefined()
    }
    expect(await tokensOf(h, tabs)).toEqual([fresh[0]!.access_token, fresh[0]!.access_token])
    // The app hears of each failed attempt as one that will be retried, and of no session ending.
    expect(await eventsOf(h, tabs[0], 'error')).toEqual([
      { error: expect.objectContaining({ code: 'server_error', retryable: true }), willRetry: true },
      { error: expect.objectContaining({ code: 'server_error', retryable: true }), willRetry: true },
    ])
    for (const tab of tabs) expect(await eventsOf(h, tab, 'sessionExpired')).toEqual([])
    expectNoExceptions(h, tabs)
  })

  it('waits at least the 2 seconds Retry-After asks for after a 429', async () => {
    const h = await start()
    const tabs = (await h.openSignedInTabs(2)) as [Page, Page]
    await expire(h, tabs)
    h.fault({ path: TOKEN, method: 'POST', status: 429, headers: { 'retry-after': '2' } })
    h.clearRequests()

    const outcome = await h.getAccessToken(tabs[0])

    const log = h.requests()
    const [limited, retried] = refreshes(log)
    expect(refreshes(log).map((request) => request.status), JSON.stringify(log)).toEqual([429, 200])
    expect(retried!.at - limited!.at, JSON.stringify(log)).toBeGreaterThanOrEqual(2_000)
    expect(outcome).toMatchObject({ token: expect.any(String) })
    await caughtUp(tabs[1], (await h.state(tabs[0])).expiresAt!)
    expect(await statuses(h, tabs)).toMatchObject([{ status: 'signedIn' }, { status: 'signedIn' }])
    expect(await tokensOf(h, tabs)).toEqual([tokenOf(outcome), tokenOf(outcome)])
    expect(await eventsOf(h, tabs[0], 'error')).toEqual([
      { error: expect.objectContaining({ code: 'rate_limited', retryable: true }), willRetry: true },
    ])
    expectNoExceptions(h, tabs)
  })

  it('sends nothing while offline across expiry, and refreshes once when back online', async () => {
    // Real expiry here, so the scheduled refresh comes due while offline: a 4 s token refreshed 1 s ahead.
    const h = await start({ mockOptions: { accessTokenTtl: 4 }, clientOptions: { refreshLeewaySeconds: 1 } })
    const tabs = (await h.openSignedInTabs(2)) as [Page, Page]
    await h.context.setOffline(true)
    const offlineAt = Date.now()
    h.clearRequests()
    const { expiresAt } = await h.state(tabs[0])

    await tabs[0].waitForTimeout(Math.max(0, expiresAt! - Date.now()) + 500)
    const startedAt = Date.now()
    const outcome = await h.getAccessToken(tabs[0])

    // Fails at once (no wait for the network), retryable, and still signed in.
    expect(outcome).toMatchObject({ error: { code: 'network', retryable: true } })
    expect(Date.now() - startedAt).toBeLessThan(2_000)
    expect(tabs.flatMap((tab) => h.pageRequests(tab)).filter((request) => request.at >= offlineAt)).toEqual([])
    expect(h.requests()).toEqual([])
    expect(await statuses(h, tabs)).toMatchObject([{ status: 'signedIn' }, { status: 'signedIn' }])

    await h.context.setOffline(false)
    for (const tab of tabs) {
      await tab.waitForFunction(
        (expiresAt) => (window as unknown as { states: PageState[] }).states.at(-1)!.expiresAt! > expiresAt,
        expiresAt!,
        { timeout: 10_000 },
      )
    }

    expect(refreshes(h.requests())).toMatchObject([{ status: 200 }])
    const states = await statuses(h, tabs)
    expect(states).toMatchObject([{ status: 'signedIn' }, { status: 'signedIn', expiresAt: states[0]!.expiresAt }])
    const tokens = await tokensOf(h, tabs)
    expect(tokens[0]).toBe((await h.settledTokenResponses()).at(-1)!.access_token)
    expect(tokens[1]).toBe(tokens[0])
    // Back online, one tab refreshed (the wake-up re-check counts as scheduled) and the other took its token.
    const sources = await Promise.all(tabs.map(async (tab) => (await eventsOf(h, tab, 'tokenRefreshed')).map((detail) => detail.source)))
    expect(sources.flat().sort()).toEqual(['otherTab', 'scheduled'])
    expectNoExceptions(h, tabs)
  })

  it('signs out every tab with session_expired when the server revoked the refresh token', async () => {
    const h = await start()
    const tabs = await h.openSignedInTabs(3)
    const [grant] = h.mock.grants.list()
    expect(h.mock.revokeGrant(grant!.id)).toBe(true)
    await expire(h, tabs)
    h.clearRequests()
    const sent = tabs.map((tab) => h.pageRequests(tab).length)

    const outcomes = await Promise.all(tabs.map((tab) => h.getAccessToken(tab)))

    for (const tab of tabs) await h.waitForStatus(tab, 'signedOut', { reason: 'session_expired', timeoutMs: 5_000 })
    // One request: the tab that got invalid_grant ends the session in storage before the next tab
    // holds the lock, so no other tab presents the revoked refresh token again.
    expect(h.requests(), JSON.stringify(h.requests())).toMatchObject([{ path: TOKEN, grantType: 'refresh_token', status: 400 }])
    expect(h.requests()).toHaveLength(1)
    expect(outcomes.every((outcome) => 'error' in outcome && ['invalid_grant', 'login_required'].includes(outcome.error.code))).toBe(true)
    expect(outcomes.map((outcome) => 'error' in outcome && outcome.error.code)).toContain('invalid_grant')
    const refresher = tabs.find((tab, i) => h.pageRequests(tab).slice(sent[i]).some((request) => request.path === TOKEN))!
    expect(await h.events(refresher)).toContainEqual(expect.objectContaining({ name: 'sessionExpired', detail: { error: expect.objectContaining({ code: 'invalid_grant' }) } }))
    expect(await statuses(h, tabs)).toEqual(tabs.map(() => expect.objectContaining({ status: 'signedOut', reason: 'session_expired' })))
    expectNoExceptions(h, tabs)
  })

  it('reads a tampered session record as signed out after reload, with no exception', async () => {
    const h = await start()
    const [tab] = (await h.openSignedInTabs(1)) as [Page]
    const key = await h.tamperRecord(tab, 'session')
    expect(key).toMatch(/session/)
    h.clearRequests()

    await h.reload(tab)

    expect(await h.waitForStatus(tab, 'signedOut')).toMatchObject({ status: 'signedOut' })
    expect(await h.getAccessToken(tab)).toMatchObject({ error: { code: 'login_required' } })
    expect(h.requests()).toEqual([])
    expect(h.errors(tab)).toEqual([])
  })

  it('leaves no token readable in IndexedDB, localStorage, sessionStorage or cookies after sign-in', async () => {
    const h = await start()
    const tabs = await h.openSignedInTabs(2)
    const [response] = await h.settledTokenResponses()
    const secrets = [response!.access_token, response!.refresh_token, response!.id_token].filter(
      (secret): secret is string => typeof secret === 'string',
    )
    expect(secrets.length).toBeGreaterThanOrEqual(2)
    // The access token is a JWT; its signature alone is as secret as the whole.
    secrets.push(secrets[0]!.split('.').at(-1)!)

    for (const tab of tabs) {
      const dump = await h.dumpStorage(tab)
      expect(dump).toContain('pkce-auth') // the client's records are there, just unreadable
      for (const secret of secrets) expect(dump).not.toContain(secret)
    }
    expect(await statuses(h, tabs)).toMatchObject([{ status: 'signedIn' }, { status: 'signedIn' }])
  })

  it('restores a valid session on reload with zero requests to the server', async () => {
    const h = await start()
    const [tab, other] = (await h.openSignedInTabs(2)) as [Page, Page]
    const otherStates = await h.states(other)
    h.clearRequests()
    const sent = h.pageRequests(tab).length

    await h.reload(tab)
    await h.waitForStatus(tab, 'signedIn')

    expect(h.requests()).toEqual([])
    expect(h.pageRequests(tab).length).toBe(sent)
    expect((await h.states(tab)).map((state) => state.status)).toEqual(['loading', 'signedIn'])
    expect(await h.states(other)).toEqual(otherStates)
    expect(h.errors(tab)).toEqual([])
  })
})
