import { act, cleanup, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
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
})
