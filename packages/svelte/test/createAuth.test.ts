import { render, screen, waitFor } from '@testing-library/svelte'
import { get } from 'svelte/store'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuth } from '@pkce-auth/svelte'
import type { AuthClient, AuthState } from '@pkce-auth/svelte'
import { createTestClient, reloadTestClient } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import Status from './Status.svelte'

const shown = () => [screen.getByTestId('store').textContent, screen.getByTestId('current').textContent]

/** Counts the client's subscribers made through `subscribe`, and how many are still on. */
function countSubscribers(auth: AuthClient) {
  let active = 0
  const subscribe = auth.subscribe
  vi.spyOn(auth, 'subscribe').mockImplementation((listener) => {
    active++
    const unsubscribe = subscribe(listener)
    return () => {
      active--
      unsubscribe()
    }
  })
  return () => active
}

afterEach(() => {
  vi.restoreAllMocks()
  setAddress('http://localhost:3000/')
})

describe('createAuth (Svelte)', () => {
  it('is a store that calls back at once with the core snapshot itself, and has the client own actions', async () => {
    const { auth: client } = createTestClient()
    const auth = createAuth(client)
    const values: AuthState[] = []
    const stop = auth.subscribe((state) => values.push(state))
    expect(values).toEqual([{ status: 'loading' }])
    await waitFor(() => expect(values.at(-1)!.status).toBe('signedOut'))
    expect(values.at(-1)).toBe(client.getState())
    expect(get(auth)).toBe(client.getState())
    stop()
    expect([auth.signIn, auth.signOut, auth.getAccessToken, auth.fetch]).toEqual([client.signIn, client.signOut, client.getAccessToken, client.fetch])
  })

  it('shows loading, then signedOut, through $auth and auth.current', async () => {
    const { auth } = createTestClient()
    render(Status, { auth: createAuth(auth) })
    expect(shown()).toEqual(['loading', 'loading'])
    await waitFor(() => expect(shown()).toEqual(['signedOut', 'signedOut']))
  })

  it('has a restored session on its first render: no flash of signedOut', async () => {
    const test = createTestClient({ scope: 'openid profile' })
    await test.signIn()
    const seen: string[] = []
    render(Status, { auth: createAuth(test.auth), seen })
    expect(shown()).toEqual(['signedIn', 'signedIn'])
    expect(screen.getByTestId('user').textContent).toBe('user_1')
    expect(seen).toEqual(['signedIn'])
  })

  it('reads loading, never signedOut, while it handles the callback once, then navigates to returnTo', async () => {
    const before = createTestClient()
    const callback = await before.authorize({ returnTo: '/settings' })
    const test = reloadTestClient(before)
    setAddress(callback)
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 30 })
    const navigate = vi.fn()
    const seen: string[] = []
    const auth = createAuth(test.auth, { navigate })
    render(Status, { auth, seen })
    await waitFor(() => expect(shown()).toEqual(['signedIn', 'signedIn']))
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(['loading', 'signedIn'])
    await waitFor(() => expect(navigate).toHaveBeenCalledExactlyOnceWith('/settings', expect.objectContaining({ returnTo: '/settings' })))
    createAuth(test.auth, { navigate })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(test.fetch.mock.calls.filter(([input]) => String(input).endsWith('/v2/oauth/token'))).toHaveLength(1)
    expect(navigate).toHaveBeenCalledOnce()
  })

  it('a failed callback shows callback_failed and leaves the callback page for /', async () => {
    const { auth } = createTestClient()
    setAddress('https://app.test/callback?code=x&state=unknown')
    const navigate = vi.fn()
    render(Status, { auth: createAuth(auth, { navigate }) })
    await waitFor(() => expect(shown()).toEqual(['signedOut', 'signedOut']))
    expect(auth.getState()).toMatchObject({ reason: 'callback_failed' })
    expect(navigate).toHaveBeenCalledExactlyOnceWith('/', undefined)
  })

  it('follows a sign-in and a sign-out made in another tab', async () => {
    const other = createTestClient()
    const here = reloadTestClient(other)
    render(Status, { auth: createAuth(here.auth) })
    await waitFor(() => expect(shown()).toEqual(['signedOut', 'signedOut']))
    await other.signIn()
    await waitFor(() => expect(shown()).toEqual(['signedIn', 'signedIn']))
    await other.auth.signOut()
    await waitFor(() => expect(shown()).toEqual(['signedOut', 'signedOut']))
  })

  it('unsubscribes when the component unmounts and when a store subscription ends (no leak)', async () => {
    const test = createTestClient()
    await test.signIn()
    const active = countSubscribers(test.auth)
    const auth = createAuth(test.auth)
    const { unmount } = render(Status, { auth })
    // The store subscription ($auth) and the effects reading auth.current (one createSubscriber).
    expect(active()).toBe(2)
    unmount()
    await Promise.resolve()
    expect(active()).toBe(0)
    const stop = auth.subscribe(() => {})
    expect(active()).toBe(1)
    stop()
    expect(active()).toBe(0)
  })
})
