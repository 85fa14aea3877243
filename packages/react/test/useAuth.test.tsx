import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useEffect } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAuth } from '@pkce-auth/react'
import type { UseAuthResult } from '@pkce-auth/react'
import { createTestClient, reloadTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'
import { renderWithAuth } from '../../../test/helpers/renderWithAuth'

/** Shows the state the way an app would, and counts its renders. */
function Status({ onRender }: { onRender?: (auth: UseAuthResult) => void }) {
  const auth = useAuth()
  onRender?.(auth)
  return (
    <>
      <p data-testid="status">{auth.status}</p>
      {auth.isSignedIn && <p data-testid="user">{auth.user?.sub ?? 'unknown'}</p>}
      {auth.error && <p data-testid="error">{auth.error.code}</p>}
      <button onClick={() => auth.signIn({ returnTo: '/settings' })}>Sign in</button>
      <button onClick={() => auth.signOut()}>Sign out</button>
    </>
  )
}

const status = () => screen.getByTestId('status').textContent
const setURL = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url)

afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('useAuth', () => {
  it('throws an error naming AuthProvider when used outside one', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect(() => render(<Status />)).toThrow(/<AuthProvider>/)
  })

  it('reads loading, then signedOut for a client without a session', async () => {
    const { auth } = createTestClient()
    renderWithAuth(auth, <Status />)
    expect(status()).toBe('loading')
    await waitFor(() => expect(status()).toBe('signedOut'))
    expect(screen.queryByTestId('error')).toBeNull()
  })

  it('reads signedIn with the user of a completed sign-in', async () => {
    const test = createTestClient({ scope: 'openid profile' })
    await test.signIn()
    renderWithAuth(test.auth, <Status />)
    expect(status()).toBe('signedIn')
    expect(screen.getByTestId('user').textContent).toBe('user_1')
  })

  it('reads loading, never signedOut, while the provider handles the callback', async () => {
    const before = createTestClient()
    const callback = await before.authorize()
    // The callback arrives in a new page load: a new client over the same storage.
    const test = reloadTestClient(before)
    setURL(callback)
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 30 })
    const seen: string[] = []

    renderWithAuth(test.auth, <Status onRender={({ status, isLoading }) => seen.push(`${status} ${isLoading}`)} />)

    await waitFor(() => expect(status()).toBe('signedIn'))
    expect(test.auth.getState().status).toBe('signedIn')
    expect(new Set(seen)).toEqual(new Set(['loading true', 'signedIn false']))
  })

  it('settles, never loading for good, when a child moves off the callback page before the provider handles it', async () => {
    const before = createTestClient()
    await before.signIn()
    const callback = await before.authorize()
    const test = reloadTestClient(before)
    setURL(callback)
    // A router's redirect in a child: its effect runs before the provider's, which then finds no callback.
    function Redirect() {
      useEffect(() => history.replaceState(null, '', '/'), [])
      return null
    }

    renderWithAuth(test.auth, <><Redirect /><Status /></>)

    await waitFor(() => expect(status()).toBe('signedIn'))
    expect(test.fetch.mock.calls.filter(([input]) => String(input).endsWith('/v2/oauth/token'))).toHaveLength(0)
  })

  it('signs in by navigating to the authorization endpoint', async () => {
    const { auth, navigate, clientId } = createTestClient()
    renderWithAuth(auth, <Status />)
    await waitFor(() => expect(status()).toBe('signedOut'))

    fireEvent.click(screen.getByText('Sign in'))

    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1))
    const url = new URL(navigate.mock.calls[0]![0])
    expect(url.origin + url.pathname).toBe(`${TEST_ISSUER}/v2/oauth/authorize`)
    expect(url.searchParams.get('client_id')).toBe(clientId)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
  })

  it('signs out and revokes the tokens', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, <Status />)
    expect(status()).toBe('signedIn')
    test.mock.requests.clear()

    fireEvent.click(screen.getByText('Sign out'))

    await waitFor(() => expect(status()).toBe('signedOut'))
    await waitFor(() => expect(test.mock.requests.list().some((r) => r.path === '/v2/oauth/revoke')).toBe(true))
  })

  it('returns the same action functions on every render', async () => {
    const test = createTestClient()
    const results: UseAuthResult[] = []
    renderWithAuth(test.auth, <Status onRender={(auth) => results.push(auth)} />)
    await waitFor(() => expect(status()).toBe('signedOut'))
    await act(() => test.signIn())
    expect(status()).toBe('signedIn')

    const first = results[0]!
    const last = results.at(-1)!
    expect(results.length).toBeGreaterThan(2)
    for (const name of ['signIn', 'signOut', 'getAccessToken', 'fetch'] as const) expect(last[name]).toBe(first[name])
  })

  it('re-renders the consumer once per token refresh and not when a token is only read', async () => {
    const test = createTestClient()
    await test.signIn()
    const onRender = vi.fn()
    renderWithAuth(test.auth, <Status onRender={onRender} />)
    expect(status()).toBe('signedIn')
    const before = onRender.mock.calls.length
    const { expiresAt } = onRender.mock.lastCall![0] as { expiresAt: number }

    await act(() => test.auth.getAccessToken())
    expect(onRender).toHaveBeenCalledTimes(before)

    await new Promise((resolve) => setTimeout(resolve, 2))
    await act(() => test.auth.getAccessToken({ forceRefresh: true }))
    expect(onRender).toHaveBeenCalledTimes(before + 1)
    expect(onRender.mock.lastCall![0]).toMatchObject({ status: 'signedIn' })
    expect((onRender.mock.lastCall![0] as { expiresAt: number }).expiresAt).toBeGreaterThan(expiresAt)
    expect(test.mock.requests.list().filter((r) => r.grantType === 'refresh_token')).toHaveLength(1)
  })

  it('shows a failed refresh as an error beside signedIn', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, <Status />)
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503 })

    await act(() => test.auth.getAccessToken({ forceRefresh: true }).catch(() => {}))

    expect(status()).toBe('signedIn')
    expect(screen.getByTestId('error').textContent).toBe('server_error')
  })

  it('shows session_expired when the server ends the session', async () => {
    const test = createTestClient()
    await test.signIn()
    const results: UseAuthResult[] = []
    renderWithAuth(test.auth, <Status onRender={(auth) => results.push(auth)} />)
    test.mock.faults.add({ path: '/v2/oauth/token', status: 400, body: { error: 'invalid_grant' } })

    await act(() => test.auth.getAccessToken({ forceRefresh: true }).catch(() => {}))

    expect(status()).toBe('signedOut')
    expect(results.at(-1)).toMatchObject({ status: 'signedOut', reason: 'session_expired', isSignedIn: false })
    expect(screen.getByTestId('error').textContent).toBe('invalid_grant')
  })
})
