import { render } from 'svelte/server'
import { get } from 'svelte/store'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuth, createAuthClient } from '@pkce-auth/svelte'
import Status from '../../packages/svelte/test/Status.svelte'

const options = { issuer: 'https://auth.example', clientId: 'app', redirectUri: 'https://app.example/callback' }

// Browser globals a careless binding would reach for, planted as getters that record the access.
// `window` stays absent, as in Node: the adapter asks only whether it exists.
const browserGlobals = ['document', 'location', 'history', 'sessionStorage', 'localStorage', 'indexedDB']
const touched: string[] = []
const trapBrowserGlobals = () => {
  for (const name of browserGlobals) Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.push(name) })
}

afterEach(() => {
  for (const name of browserGlobals) delete (globalThis as Record<string, unknown>)[name]
  touched.length = 0
})

describe('@pkce-auth/svelte on the server (SvelteKit)', () => {
  it('imports without touching browser globals', async () => {
    vi.resetModules()
    trapBrowserGlobals()
    const svelte = await import('@pkce-auth/svelte')
    expect(svelte.createAuth).toBeTypeOf('function')
    expect(touched).toEqual([])
  })

  it('renders loading through $auth and auth.current, subscribing to nothing', () => {
    const client = createAuthClient(options)
    const subscribe = vi.spyOn(client, 'subscribe')
    trapBrowserGlobals()
    const auth = createAuth(client)
    const { body } = render(Status, { props: { auth } })
    expect(body).toContain('<p data-testid="store">loading</p>')
    expect(body).toContain('<p data-testid="current">loading</p>')
    expect(body).toContain('<p data-testid="user">nobody</p>')
    expect(get(auth)).toEqual({ status: 'loading' })
    expect(subscribe).not.toHaveBeenCalled()
    expect(touched).toEqual([])
    client.dispose()
  })

  it('a binding made from options at module level (a SvelteKit $lib file) reads loading too', () => {
    trapBrowserGlobals()
    const auth = createAuth(options)
    expect(render(Status, { props: { auth } }).body).toContain('<p data-testid="store">loading</p>')
    expect(touched).toEqual([])
  })
})
