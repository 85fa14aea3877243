// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('@pkce-auth/core in Node', () => {
  it('signOut on the server leaves the state loading and sends nothing', async () => {
    expect(typeof window).toBe('undefined')
    const { createAuthClient } = await import('@pkce-auth/core')
    const auth = createAuthClient({ issuer: 'https://auth.test', clientId: 'app', redirectUri: 'https://app.test/callback' })
    await auth.signOut({ revoke: false })
    expect(auth.getState()).toEqual({ status: 'loading' })
  })

  it('imports without a browser, restores nothing and stays loading (server rendering)', async () => {
    expect(typeof window).toBe('undefined')
    const { createAuthClient } = await import('@pkce-auth/core')
    const auth = createAuthClient({
      issuer: 'https://auth.test',
      clientId: 'app',
      redirectUri: 'https://app.test/callback',
      storage: 'memory',
    })
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'login_required' })
    expect(auth.getState()).toEqual({ status: 'loading' })
  })

  it('starts no timer, listener or channel, even with subscribers', async () => {
    vi.useFakeTimers()
    // Node has BroadcastChannel; a server-side client must not open one (it would keep the process alive).
    const opened = vi.fn()
    vi.stubGlobal('BroadcastChannel', class {
      constructor() {
        opened()
      }
    })
    const { createAuthClient } = await import('@pkce-auth/core')
    const auth = createAuthClient({ issuer: 'https://auth.test', clientId: 'app', redirectUri: 'https://app.test/callback' })
    const stop = auth.subscribe(() => {})
    auth.on('signedIn', () => {})
    await vi.advanceTimersByTimeAsync(0)
    expect(auth.getState()).toEqual({ status: 'loading' })
    expect(vi.getTimerCount()).toBe(0)
    expect(opened).not.toHaveBeenCalled()
    stop()
    auth.dispose()
  })

  it('isRedirectCallback() is false and handleRedirect() rejects with not_a_callback: no page address, and no synchronous throw', async () => {
    const { createAuthClient, AuthError } = await import('@pkce-auth/core')
    const auth = createAuthClient({ issuer: 'https://auth.test', clientId: 'app', redirectUri: 'https://app.test/callback' })
    expect(auth.isRedirectCallback()).toBe(false)
    expect(auth.isRedirectCallback('/callback?code=c&state=s')).toBe(false)
    let outcome: Promise<unknown> | undefined
    expect(() => (outcome = auth.handleRedirect('/callback?code=c&state=s'))).not.toThrow()
    await expect(outcome).rejects.toBeInstanceOf(AuthError)
    await expect(auth.handleRedirect()).rejects.toMatchObject({ code: 'not_a_callback' })
  })
})
