import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RequireAuth, useAuth, withRequireAuth } from '@pkce-auth/react'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { renderWithAuth } from '../../../test/helpers/renderWithAuth'

const setURL = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)

function ErrorMessage() {
  const { error } = useAuth()
  return <p>error {error?.code ?? 'none'}</p>
}

const guarded = (
  <RequireAuth fallback={<p>loading</p>} errorFallback={<ErrorMessage />}>
    <p>secret</p>
  </RequireAuth>
)

/** The defaults, as the README's quick start uses them: only the loading fallback is given. */
const withDefaults = (
  <RequireAuth fallback={<p>loading</p>}>
    <p>secret</p>
  </RequireAuth>
)

/** The callback URL with its `code` replaced by an error response, as a server sends it (after Deny, say). */
const asError = (callback: string, error: string, description?: string) => {
  const url = new URL(callback)
  url.searchParams.delete('code')
  url.searchParams.set('error', error)
  if (description) url.searchParams.set('error_description', description)
  return url.href
}

/** Resolves when nothing more is going to happen: the client's pending work has settled. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

beforeEach(() => {
  sessionStorage.clear()
  setURL('https://app.test/private?tab=2#top')
})

afterEach(() => {
  cleanup()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('RequireAuth', () => {
  it('renders its children when signed in', async () => {
    const test = createTestClient()
    await test.signIn()

    renderWithAuth(test.auth, guarded)

    expect(screen.getByText('secret')).toBeTruthy()
  })

  it('renders the fallback and signs in once when signed out, in StrictMode', async () => {
    const test = createTestClient()

    renderWithAuth(test.auth, <>{guarded}{guarded}</>, { strict: true })

    expect(screen.getAllByText('loading')).toHaveLength(2)
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))
    await settle()
    expect(test.navigate).toHaveBeenCalledTimes(1)
    expect(screen.queryByText('secret')).toBeNull()
  })

  it('returns to the current page after sign-in by default', async () => {
    const test = createTestClient()
    renderWithAuth(test.auth, guarded)
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))

    const authorizeUrl = test.navigate.mock.calls[0]![0]
    const callback = (await test.mock.fetch(authorizeUrl)).headers.get('location')!

    await expect(test.auth.handleRedirect(callback)).resolves.toMatchObject({ returnTo: '/private?tab=2#top' })
  })

  it('passes signInOptions to signIn', async () => {
    const test = createTestClient()
    renderWithAuth(test.auth, <RequireAuth signInOptions={{ loginHint: 'ada@example.com' }}>secret</RequireAuth>)

    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))
    expect(new URL(test.navigate.mock.calls[0]![0]).searchParams.get('login_hint')).toBe('ada@example.com')
  })

  // A callback is a page load: the client on it is a new one, over the same storage.
  it('does not sign in while the provider handles a callback', async () => {
    const before = createTestClient()
    setURL(await before.authorize())
    before.mock.faults.add({ path: '/v2/oauth/token', delayMs: 30 })
    const test = reloadTestClient(before)

    renderWithAuth(test.auth, guarded, { strict: true })

    await waitFor(() => expect(screen.getByText('secret')).toBeTruthy())
    expect(test.navigate).not.toHaveBeenCalled()
  })

  it('renders errorFallback and does not sign in after a failed callback', async () => {
    const before = createTestClient()
    const callback = new URL(await before.authorize())
    callback.searchParams.set('state', 'forged')
    setURL(callback.href)
    const test = reloadTestClient(before)

    renderWithAuth(test.auth, guarded)

    await waitFor(() => expect(screen.getByText('error state_mismatch')).toBeTruthy())
    await settle()
    expect(test.navigate).not.toHaveBeenCalled()
  })

  it('renders errorFallback when signing in fails', async () => {
    const test = createTestClient()
    test.mock.faults.add({ path: '/.well-known/oauth-authorization-server', drop: true })

    renderWithAuth(test.auth, guarded)

    await waitFor(() => expect(screen.getByText('error network')).toBeTruthy())
    await settle()
    expect(test.navigate).not.toHaveBeenCalled()
  })

  it('signs in again when the server ended the session', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, guarded)
    test.mock.faults.add({ path: '/v2/oauth/token', status: 400, body: { error: 'invalid_grant' } })

    await test.auth.getAccessToken({ forceRefresh: true }).catch(() => {})

    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(2))
    expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
  })

  it('renders a signed-out view with a Sign in button, and does not sign in by itself, after the user signs out', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, withDefaults, { strict: true })

    await act(() => test.auth.signOut())
    await settle()

    expect(screen.getByText('You are signed out.')).toBeTruthy()
    expect(screen.queryByText('loading')).toBeNull()
    expect(test.navigate).toHaveBeenCalledTimes(1) // the sign-in before

    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(2))
    expect(new URL(test.navigate.mock.calls[1]![0]).pathname).toBe('/v2/oauth/authorize')
  })

  it('renders signedOutFallback after the user signs out', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, <RequireAuth fallback={<p>loading</p>} signedOutFallback={<p>bye</p>}>secret</RequireAuth>)

    await act(() => test.auth.signOut())

    expect(screen.getByText('bye')).toBeTruthy()
  })

  it('says what went wrong after Deny, offers to try again, and leaves the callback page', async () => {
    const before = createTestClient()
    setURL(asError(await before.authorize({ returnTo: '/private' }), 'access_denied', 'The user denied the request'))
    const test = reloadTestClient(before)

    renderWithAuth(test.auth, withDefaults, { strict: true })

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Sign-in was declined (access_denied: The user denied the request).')
    expect(location.href).toBe('https://app.test/')
    await settle()
    expect(test.navigate).not.toHaveBeenCalled() // no automatic retry

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))
  })

  it('says the server does not allow the scope after invalid_scope', async () => {
    const test = createTestClient()
    setURL(asError(await test.authorize(), 'invalid_scope'))

    renderWithAuth(test.auth, withDefaults)

    expect((await screen.findByRole('alert')).textContent).toContain('(invalid_scope); likely a scope not in its scopes_supported')
    expect(new URL(location.href).pathname).toBe('/')
  })

  it('shows the error with a retry, not the loading fallback, when the server is down', async () => {
    const test = createTestClient()
    test.mock.faults.add({ path: '/.well-known/oauth-authorization-server', drop: true, count: Infinity })

    renderWithAuth(test.auth, withDefaults)

    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Discovery got no readable answer at https://auth.test/.well-known/oauth-authorization-server')
    expect(screen.queryByText('loading')).toBeNull()

    test.mock.faults.clear()
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))
  })

  it('lets signOut({ redirect: true }) reach the end-session page', async () => {
    const first = createTestClient()
    await first.signIn()
    const metadata = await (await first.mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
    const test = reloadTestClient(first, { metadata: { ...metadata, end_session_endpoint: `${TEST_ISSUER}/v2/oauth/logout` } })
    renderWithAuth(test.auth, guarded)
    await waitFor(() => expect(screen.getByText('secret')).toBeTruthy())

    await act(() => test.auth.signOut({ redirect: true }))
    await settle()

    expect(test.navigate.mock.calls.map(([url]) => new URL(url).pathname)).toEqual(['/v2/oauth/logout'])
  })

  it('returns to the page with one leading slash when its path starts with //', async () => {
    setURL('https://app.test//settings?tab=2')
    const test = createTestClient()
    renderWithAuth(test.auth, guarded)
    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))

    const authorizeUrl = test.navigate.mock.calls[0]![0]
    const callback = (await test.mock.fetch(authorizeUrl)).headers.get('location')!

    await expect(test.auth.handleRedirect(callback)).resolves.toMatchObject({ returnTo: '/settings?tab=2' })
  })

  it('renders errorFallback when the client refuses the automatic sign-in', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const test = createTestClient()

    renderWithAuth(test.auth, (
      <RequireAuth fallback={<p>loading</p>} errorFallback={<p>refused</p>} signInOptions={{ returnTo: '//evil.test' }}>
        <p>secret</p>
      </RequireAuth>
    ), { strict: true })

    await waitFor(() => expect(screen.getByText('refused')).toBeTruthy())
    expect(test.navigate).not.toHaveBeenCalled()
    expect(errors).toHaveBeenCalledWith(expect.any(TypeError))
  })

  it('stops after 3 automatic sign-ins within a minute and signs in again after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    // Each round is a page load: a new client and a new provider, as after a redirect.
    const load = async () => {
      const test = createTestClient()
      const view = renderWithAuth(test.auth, guarded)
      await waitFor(() => expect(test.auth.getState().status).toBe('signedOut'))
      // The sign-in, then time for a second one that must not come.
      await waitFor(() => expect(test.navigate).toHaveBeenCalled()).catch(() => {})
      await settle()
      view.unmount()
      return test.navigate.mock.calls.length
    }

    expect([await load(), await load(), await load()]).toEqual([1, 1, 1])

    const test = createTestClient()
    renderWithAuth(test.auth, guarded)
    await waitFor(() => expect(screen.getByText('error none')).toBeTruthy())
    expect(test.navigate).not.toHaveBeenCalled()
    cleanup()

    vi.setSystemTime(Date.now() + 60_000)
    expect(await load()).toBe(1)
  })
})

describe('withRequireAuth', () => {
  it('renders the component with its props when signed in', async () => {
    const test = createTestClient()
    await test.signIn()
    const Page = withRequireAuth(({ title }: { title: string }) => <h1>{title}</h1>, { fallback: <p>loading</p> })

    renderWithAuth(test.auth, <Page title="Settings" />)

    expect(screen.getByText('Settings')).toBeTruthy()
  })

  it('signs in instead of rendering the component when signed out', async () => {
    const test = createTestClient()
    const Page = withRequireAuth(() => <h1>Settings</h1>, { fallback: <p>loading</p> })

    renderWithAuth(test.auth, <Page />)

    await waitFor(() => expect(test.navigate).toHaveBeenCalledTimes(1))
    expect(screen.getByText('loading')).toBeTruthy()
  })
})
