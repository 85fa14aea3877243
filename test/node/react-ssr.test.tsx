import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthProvider, RequireAuth, createAuthClient, useAccessToken, useAuth } from '@pkce-auth/react'

function Status() {
  const { status, isLoading, user } = useAuth()
  const { token } = useAccessToken()
  return <p>{`${status} ${isLoading} ${user ?? 'nobody'} ${token ?? 'no-token'}`}</p>
}

const options = { issuer: 'https://auth.example', clientId: 'app', redirectUri: 'https://app.example/callback' }

// Browser globals a careless binding would reach for. Node has none of them; each is planted as a
// getter that records the access, so "touches no browser global" is asserted, not assumed.
const browserGlobals = ['window', 'document', 'location', 'history', 'sessionStorage', 'localStorage', 'indexedDB']
const touched: string[] = []

function trapBrowserGlobals() {
  for (const name of browserGlobals) {
    Object.defineProperty(globalThis, name, {
      configurable: true,
      get: () => void touched.push(name),
    })
  }
}

afterEach(() => {
  for (const name of browserGlobals) delete (globalThis as Record<string, unknown>)[name]
  touched.length = 0
})

describe('@pkce-auth/react on the server', () => {
  it('imports without touching browser globals', async () => {
    vi.resetModules()
    trapBrowserGlobals()

    const react = await import('@pkce-auth/react')

    expect(react.AuthProvider).toBeTypeOf('function')
    expect(touched).toEqual([])
  })

  it('renders the loading state with a client prop', () => {
    const client = createAuthClient(options)
    trapBrowserGlobals()

    const html = renderToString(
      <AuthProvider client={client}>
        <Status />
        <RequireAuth fallback={<p>fallback</p>}>secret</RequireAuth>
      </AuthProvider>,
    )

    expect(html).toContain('loading true nobody no-token')
    expect(html).toContain('fallback')
    expect(html).not.toContain('secret')
    expect(touched).toEqual([])
    client.dispose()
  })

  it('renders the loading state when the provider creates the client', async () => {
    trapBrowserGlobals()

    const html = renderToString(
      <AuthProvider {...options}>
        <Status />
      </AuthProvider>,
    )
    // Nothing is left running that would reach for them later (a restore from IndexedDB, say).
    await new Promise((resolve) => setTimeout(resolve, 10))

    expect(html).toContain('loading true nobody no-token')
    expect(touched).toEqual([])
  })
})
