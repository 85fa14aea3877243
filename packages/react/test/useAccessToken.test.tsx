import { act, cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useAccessToken } from '@pkce-auth/react'
import { createTestClient } from '../../../test/helpers/createTestClient'
import { renderWithAuth } from '../../../test/helpers/renderWithAuth'

function Token() {
  const { token, error } = useAccessToken()
  return <p data-testid="token">{error ? `error ${error.code}` : token ?? 'none'}</p>
}

const token = () => screen.getByTestId('token').textContent

afterEach(() => {
  cleanup()
  vi.useRealTimers()
})

describe('useAccessToken', () => {
  it('returns the access token when signed in', async () => {
    const test = createTestClient()
    await test.signIn()

    renderWithAuth(test.auth, <Token />, { strict: true })

    const expected = await test.auth.getAccessToken()
    await waitFor(() => expect(token()).toBe(expected))
    expect(test.mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(1)
  })

  it('returns the new token after a refresh', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, <Token />)
    const first = await test.auth.getAccessToken()
    await waitFor(() => expect(token()).toBe(first))
    await new Promise((resolve) => setTimeout(resolve, 2))

    const second = await act(() => test.auth.getAccessToken({ forceRefresh: true }))

    expect(second).not.toBe(first)
    await waitFor(() => expect(token()).toBe(second))
  })

  it('returns nothing while signed out and drops the token at sign-out', async () => {
    const test = createTestClient()
    await test.signIn()
    renderWithAuth(test.auth, <Token />)
    await waitFor(() => expect(token()).not.toBe('none'))

    await act(() => test.auth.signOut())

    expect(token()).toBe('none')
  })

  it('drops a token that a failed refresh shows has expired', async () => {
    let clock = Date.now()
    const test = createTestClient({ now: () => clock })
    await test.signIn()
    renderWithAuth(test.auth, <Token />)
    const issued = await test.auth.getAccessToken()
    await waitFor(() => expect(token()).toBe(issued))

    // The token expires while the token endpoint is down: every refresh fails.
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, count: Infinity })
    clock += 3_601_000
    await act(() => test.auth.getAccessToken().catch(() => {}))

    await waitFor(() => expect(token()).toBe('error server_error'))
    expect(test.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'server_error' } })
  })

  it('keeps the token while it is valid and drops it at expiry when refreshes keep failing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const test = createTestClient()
    await test.signIn()
    const issued = await test.auth.getAccessToken()
    renderWithAuth(test.auth, <Token />)
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(token()).toBe(issued)
    })
    test.mock.faults.add({ path: '/v2/oauth/token', status: 503, count: Infinity })
    const { expiresAt } = test.auth.getState() as { expiresAt: number }

    // Refreshes start ahead of expiry and fail: the token still works, so it stays.
    // The refresh reads storage (WebCrypto, IndexedDB), which settles outside the fake clock.
    await act(() => vi.advanceTimersByTimeAsync(expiresAt - Date.now() - 1000))
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(test.auth.getState()).toMatchObject({ status: 'signedIn', error: { code: 'server_error' } })
    })
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(token()).toBe(issued)

    await act(() => vi.advanceTimersByTimeAsync(1000))
    await vi.waitFor(async () => {
      await act(() => vi.advanceTimersByTimeAsync(0))
      expect(token()).toBe('error server_error')
    })
  })
})
