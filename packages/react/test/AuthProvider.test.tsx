import { Activity, StrictMode } from 'react'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AuthProvider, useAuth } from '@pkce-auth/react'
import type { AuthClient } from '@pkce-auth/react'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { renderWithAuth } from '../../../test/helpers/renderWithAuth'

type TestClient = ReturnType<typeof createTestClient>

const setURL = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)

function Status() {
  const { status, error } = useAuth()
  return <p data-testid="status">{error ? `${status} ${error.code}` : status}</p>
}

const status = () => screen.getByTestId('status').textContent
const codeExchanges = (test: TestClient) =>
  test.mock.requests.list().filter((r) => r.grantType === 'authorization_code')

/** The client, with a count of the listeners currently subscribed through it. */
function countingListeners(auth: AuthClient) {
  let active = 0
  const client: AuthClient = {
    ...auth,
    subscribe(listener) {
      active++
      const unsubscribe = auth.subscribe(listener)
      return () => {
        active--
        unsubscribe()
      }
    },
  }
  return { client, active: () => active }
}

beforeEach(() => {
  setURL('https://app.test/')
})

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

describe('AuthProvider', () => {
  it('handles the callback and calls onRedirect once with the appState', async () => {
    const test = createTestClient()
    setURL(await test.authorize({ appState: { tab: 2 }, returnTo: '/settings' }))
    const onRedirect = vi.fn()

    renderWithAuth(test.auth, <Status />, { onRedirect })

    await waitFor(() => expect(status()).toBe('signedIn'))
    await waitFor(() => expect(onRedirect).toHaveBeenCalledTimes(1))
    expect(onRedirect).toHaveBeenCalledWith({ tab: 2 }, { appState: { tab: 2 }, returnTo: '/settings' })
    expect(location.href).toBe(TEST_REDIRECT_URI)
    expect(codeExchanges(test)).toHaveLength(1)
  })

  it('calls the onRedirect of the latest render', async () => {
    const test = createTestClient()
    setURL(await test.authorize({ returnTo: '/settings' }))
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 50 })
    const first = vi.fn()
    const latest = vi.fn()

    const { rerender } = render(<AuthProvider client={test.auth} onRedirect={first}><Status /></AuthProvider>)
    rerender(<AuthProvider client={test.auth} onRedirect={latest}><Status /></AuthProvider>)

    await waitFor(() => expect(latest).toHaveBeenCalledTimes(1))
    expect(latest).toHaveBeenCalledWith(undefined, { returnTo: '/settings' })
    expect(first).not.toHaveBeenCalled()
  })

  it('restores returnTo with history.replaceState when there is no onRedirect', async () => {
    const test = createTestClient()
    setURL(await test.authorize({ returnTo: '/settings?tab=2' }))

    renderWithAuth(test.auth, <Status />)

    await waitFor(() => expect(location.pathname + location.search).toBe('/settings?tab=2'))
    expect(status()).toBe('signedIn')
  })

  it('restores a returnTo kept in appState when there is no onRedirect', async () => {
    const test = createTestClient()
    setURL(await test.authorize({ appState: { returnTo: '/reports' } }))

    renderWithAuth(test.auth, <Status />)

    await waitFor(() => expect(location.pathname).toBe('/reports'))
  })

  it.each(['//evil.test/x', '/\t/evil.test', '/\n/evil.test'])('leaves the address alone when appState.returnTo is %j, not a same-origin path', async (returnTo) => {
    const test = createTestClient()
    setURL(await test.authorize({ appState: { returnTo } }))

    renderWithAuth(test.auth, <Status />)

    await waitFor(() => expect(status()).toBe('signedIn'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(location.href).toBe(TEST_REDIRECT_URI)
  })

  it('exchanges the code once and calls onRedirect once in StrictMode', async () => {
    const test = createTestClient()
    setURL(await test.authorize({ returnTo: '/settings' }))
    const onRedirect = vi.fn()

    renderWithAuth(test.auth, <Status />, { strict: true, onRedirect })

    await waitFor(() => expect(status()).toBe('signedIn'))
    await waitFor(() => expect(onRedirect).toHaveBeenCalledTimes(1))
    expect(codeExchanges(test)).toHaveLength(1)
  })

  it('exchanges the code once when a second provider mounts with the same client', async () => {
    const test = createTestClient()
    setURL(await test.authorize())
    const onRedirect = vi.fn()

    renderWithAuth(test.auth, <Status />, { onRedirect })
    render(
      <AuthProvider client={test.auth} onRedirect={onRedirect}>
        <p>second</p>
      </AuthProvider>,
    )

    await waitFor(() => expect(status()).toBe('signedIn'))
    await waitFor(() => expect(onRedirect).toHaveBeenCalledTimes(1))
    expect(codeExchanges(test)).toHaveLength(1)
  })

  it('shows a failed callback as signedOut with its error and does not call onRedirect', async () => {
    const test = createTestClient()
    const callback = new URL(await test.authorize())
    callback.searchParams.set('state', 'forged')
    setURL(callback.href)
    const onRedirect = vi.fn()

    renderWithAuth(test.auth, <Status />, { onRedirect })

    await waitFor(() => expect(status()).toBe('signedOut state_mismatch'))
    expect(test.auth.getState()).toMatchObject({ reason: 'callback_failed' })
    expect(onRedirect).not.toHaveBeenCalled()
    expect(codeExchanges(test)).toHaveLength(0)
  })

  it('shows an access_denied callback as an error', async () => {
    const test = createTestClient()
    const callback = new URL(await test.authorize())
    callback.searchParams.delete('code')
    callback.searchParams.set('error', 'access_denied')
    setURL(callback.href)

    renderWithAuth(test.auth, <Status />)

    await waitFor(() => expect(status()).toBe('signedOut access_denied'))
  })

  it('does not call onRedirect when it unmounts before the callback completes', async () => {
    const test = createTestClient()
    setURL(await test.authorize())
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 50 })
    const onRedirect = vi.fn()

    const { unmount } = renderWithAuth(test.auth, <Status />, { onRedirect })
    unmount()

    await waitFor(() => expect(test.auth.getState().status).toBe('signedIn'))
    expect(onRedirect).not.toHaveBeenCalled()
  })

  it('subscribes once per consumer in StrictMode and unsubscribes on unmount', async () => {
    const test = createTestClient()
    const { client, active } = countingListeners(test.auth)

    const { unmount } = renderWithAuth(client, (
      <>
        <Status />
        <Status />
      </>
    ), { strict: true })
    await waitFor(() => expect(screen.getAllByTestId('status')[0]!.textContent).toBe('signedOut'))

    expect(active()).toBe(2)
    unmount()
    expect(active()).toBe(0)
  })

  it('creates one client from options and uses it', async () => {
    const test = createTestClient()
    await test.signIn()
    const options = {
      issuer: TEST_ISSUER,
      clientId: test.clientId,
      redirectUri: TEST_REDIRECT_URI,
      storage: test.storage,
      fetch: test.fetch,
      navigate: test.navigate,
    }

    const { rerender } = render(
      <StrictMode>
        <AuthProvider {...options}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    await waitFor(() => expect(status()).toBe('signedIn'))
    rerender(
      <StrictMode>
        <AuthProvider {...options} scope="other">
          <Status />
        </AuthProvider>
      </StrictMode>,
    )

    expect(status()).toBe('signedIn')
    // The session came from storage: no token request from the provider's client.
    expect(codeExchanges(test)).toHaveLength(1)
  })

  it('leaves no timer behind when it unmounts a client it created', async () => {
    const test = createTestClient()
    await test.signIn()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { unmount } = render(
      <StrictMode>
        <AuthProvider issuer={TEST_ISSUER} clientId={test.clientId} redirectUri={TEST_REDIRECT_URI}
          storage={test.storage} fetch={test.fetch} navigate={test.navigate}>
          <Status />
        </AuthProvider>
      </StrictMode>,
    )
    // Restoring decrypts the stored session (IndexedDB, WebCrypto), which settles outside the fake clock.
    // Each check lets React commit (React 18 flushes an act() scope only when it ends).
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(status()).toBe('signedIn')
    })
    expect(vi.getTimerCount()).toBeGreaterThan(0)

    unmount()
    await act(() => vi.advanceTimersByTimeAsync(0))

    expect(vi.getTimerCount()).toBe(0)
  })

  // <Activity> came with React 19.2; React 18 has none to hide a provider with.
  it.runIf(Activity !== undefined)('works again, without showing loading, when an <Activity> hides and shows the client it created', async () => {
    const test = createTestClient()
    await test.signIn()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const seen: string[] = []
    function Recorder() {
      seen.push(useAuth().status)
      return null
    }
    const app = (mode: 'visible' | 'hidden') => (
      <StrictMode>
        <Activity mode={mode}>
          <AuthProvider issuer={TEST_ISSUER} clientId={test.clientId} redirectUri={TEST_REDIRECT_URI}
            storage={test.storage} fetch={test.fetch} navigate={test.navigate}>
            <Status />
            <Recorder />
          </AuthProvider>
        </Activity>
      </StrictMode>
    )
    const { rerender, unmount } = render(app('visible'))
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(status()).toBe('signedIn')
    })
    const timersWhileShown = vi.getTimerCount()
    expect(timersWhileShown).toBeGreaterThan(0)

    rerender(app('hidden'))
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(vi.getTimerCount()).toBe(0)
    seen.length = 0
    rerender(app('visible'))

    // The scheduled refresh (and the wake listeners) are back once the provider shows again.
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(vi.getTimerCount()).toBe(timersWhileShown)
    })
    expect(new Set(seen)).toEqual(new Set(['signedIn']))
    unmount()
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(vi.getTimerCount()).toBe(0)
  })
})
