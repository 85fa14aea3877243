import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthProvider, RequireAuth, useAuth } from '@pkce-auth/react'
import type { AuthClient } from '@pkce-auth/react'
import { createTestClient } from '../../../test/helpers/createTestClient'

function Status() {
  const { status } = useAuth()
  return <p>{status}</p>
}

const app = (client: AuthClient) => (
  <AuthProvider client={client}>
    <Status />
    <RequireAuth fallback={<p>wait</p>}>
      <p>secret</p>
    </RequireAuth>
  </AuthProvider>
)

afterEach(() => {
  vi.restoreAllMocks()
  document.body.innerHTML = ''
})

describe('AuthProvider hydration', () => {
  it('hydrates the server html without a mismatch and then shows the real state', async () => {
    const test = createTestClient()
    await test.signIn()
    const container = document.createElement('div')
    container.innerHTML = renderToString(app(test.auth))
    document.body.append(container)
    expect(container.textContent).toBe('loadingwait')
    const errors = vi.spyOn(console, 'error')
    const recoverable = vi.fn()

    const root = await act(async () => hydrateRoot(container, app(test.auth), { onRecoverableError: recoverable }))

    expect(container.textContent).toBe('signedInsecret')
    expect(errors).not.toHaveBeenCalled()
    expect(recoverable).not.toHaveBeenCalled()
    act(() => root.unmount())
  })
})
