import { cleanup, render, screen, waitFor } from '@testing-library/vue'
import { createApp, defineComponent, effectScope, h } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuth, useAccessToken, useAuth } from '@pkce-auth/vue'
import type { AuthClient, AuthState } from '@pkce-auth/vue'
import { createTestClient, reloadTestClient } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'

/** Shows the state the way an app would, and records every status it rendered. */
const Status = defineComponent({
  props: { seen: { type: Array as () => string[], default: () => [] } },
  setup(props) {
    const { state, signOut } = useAuth()
    const { token } = useAccessToken()
    return () => {
      props.seen.push(state.value.status)
      return [
        h('p', { 'data-testid': 'status' }, state.value.status),
        state.value.status === 'signedIn' && h('p', { 'data-testid': 'user' }, state.value.user?.sub ?? 'unknown'),
        h('p', { 'data-testid': 'token' }, token.value ?? 'none'),
        h('button', { onClick: () => signOut() }, 'Sign out'),
      ]
    }
  },
})

const status = () => screen.getByTestId('status').textContent
const renderWith = (auth: AuthClient | ReturnType<typeof createAuth>, props = {}) =>
  render(Status, { props, global: { plugins: ['install' in auth ? auth : createAuth(auth)] } })

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
  cleanup()
  vi.restoreAllMocks()
  setAddress('http://localhost:3000/')
})

describe('useAuth (Vue)', () => {
  it('throws a clear error without the plugin, and outside setup', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(Status)).toThrow(/app\.use\(createAuth/)
    expect(() => useAuth()).toThrow(/inside setup\(\)/)
  })

  it('reads loading, then signedOut, for a client without a session', async () => {
    const { auth } = createTestClient()
    renderWith(auth)
    expect(status()).toBe('loading')
    await waitFor(() => expect(status()).toBe('signedOut'))
  })

  it('has a restored session on its first render: no flash of signedOut', async () => {
    const test = createTestClient({ scope: 'openid profile' })
    await test.signIn()
    const seen: string[] = []
    renderWith(test.auth, { seen })
    expect(seen).toEqual(['signedIn'])
    expect(screen.getByTestId('user').textContent).toBe('user_1')
    // useAccessToken: the session's token, and none once signed out.
    const token = await test.auth.getAccessToken()
    await waitFor(() => expect(screen.getByTestId('token').textContent).toBe(token))
    await test.auth.signOut()
    await waitFor(() => expect(status()).toBe('signedOut'))
    expect(screen.getByTestId('token').textContent).toBe('none')
  })

  it('hands out the core snapshot itself and the client own functions', () => {
    const { auth } = createTestClient()
    const app = createApp({}).use(createAuth(auth))
    const scope = effectScope()
    const result = app.runWithContext(() => scope.run(() => useAuth()))!
    expect(result.state.value).toBe(auth.getState())
    expect([result.signIn, result.signOut, result.getAccessToken, result.fetch]).toEqual([auth.signIn, auth.signOut, auth.getAccessToken, auth.fetch])
    scope.stop()
  })

  it('reads loading, never signedOut, while the plugin handles the callback, then navigates to returnTo', async () => {
    const before = createTestClient()
    const callback = await before.authorize({ returnTo: '/settings?tab=2' })
    const test = reloadTestClient(before)
    setAddress(callback)
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 30 })
    const navigate = vi.fn()
    const seen: string[] = []
    renderWith(createAuth(test.auth, { navigate }), { seen })
    await waitFor(() => expect(status()).toBe('signedIn'))
    expect(seen.filter((s, i) => s !== seen[i - 1])).toEqual(['loading', 'signedIn'])
    await waitFor(() => expect(navigate).toHaveBeenCalledExactlyOnceWith('/settings?tab=2', expect.objectContaining({ returnTo: '/settings?tab=2' })))
    // Installed again (a second app), the callback is not handled twice.
    renderWith(createAuth(test.auth, { navigate }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(test.fetch.mock.calls.filter(([input]) => String(input).endsWith('/v2/oauth/token'))).toHaveLength(1)
    expect(navigate).toHaveBeenCalledOnce()
  })

  it('a failed callback shows callback_failed and leaves the callback page for /', async () => {
    const { auth } = createTestClient()
    setAddress('https://app.test/callback?code=x&state=unknown')
    const navigate = vi.fn()
    renderWith(createAuth(auth, { navigate }))
    await waitFor(() => expect(status()).toBe('signedOut'))
    expect((auth.getState() as Extract<AuthState, { status: 'signedOut' }>).reason).toBe('callback_failed')
    expect(navigate).toHaveBeenCalledExactlyOnceWith('/', undefined)
  })

  it('follows a sign-in and a sign-out made in another tab', async () => {
    const other = createTestClient()
    const here = reloadTestClient(other)
    renderWith(here.auth)
    await waitFor(() => expect(status()).toBe('signedOut'))
    await other.signIn()
    await waitFor(() => expect(status()).toBe('signedIn'))
    await other.auth.signOut()
    await waitFor(() => expect(status()).toBe('signedOut'))
  })

  it('unsubscribes on unmount and on scope dispose (no leak)', async () => {
    const test = createTestClient()
    await test.signIn()
    const active = countSubscribers(test.auth)
    const { unmount } = renderWith(test.auth)
    expect(active()).toBeGreaterThan(0)
    unmount()
    expect(active()).toBe(0)

    const app = createApp({}).use(createAuth(test.auth))
    const scope = effectScope()
    app.runWithContext(() => scope.run(() => [useAuth(), useAuth()]))
    expect(active()).toBe(2)
    scope.stop()
    expect(active()).toBe(0)
  })

  it('disposes a client it created when the app unmounts, not one it was given', async () => {
    const given = createTestClient().auth
    const dispose = vi.spyOn(given, 'dispose')
    const app = createApp({ render: () => null }).use(createAuth(given))
    app.mount(document.createElement('div'))
    app.unmount()
    expect(dispose).not.toHaveBeenCalled()

    const own = createAuth({ issuer: 'https://auth.test', clientId: 'own', redirectUri: 'https://app.test/callback', storage: 'memory' })
    const disposeOwn = vi.spyOn(own.client, 'dispose')
    const ownApp = createApp({ render: () => null }).use(own)
    ownApp.mount(document.createElement('div'))
    expect(disposeOwn).not.toHaveBeenCalled()
    ownApp.unmount()
    expect(disposeOwn).toHaveBeenCalledOnce()
  })
})
