import { afterEach, describe, expect, it } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'

/** Defects found in the session-12 review of the callback: each test failed on the code before its fix. */

afterEach(() => {
  setAddress('about:blank')
})

describe('handleRedirect: an app page with a code of its own', () => {
  // An app page may use `?code=` for itself (a voucher, a pairing code): it is no authorization response.
  const page = 'https://app.test/redeem?code=GIFT-2024&state=open&q=1'

  it('rejects with not_a_callback and leaves the address bar as it is', async () => {
    const test = createTestClient()
    setAddress(page)
    const auth = reloadTestClient(test).auth
    expect(auth.isRedirectCallback()).toBe(false)
    await expect(auth.handleRedirect()).rejects.toMatchObject({ code: 'not_a_callback', url: 'https://app.test/redeem' })
    expect(location.href).toBe(page)
    expect(auth.getState()).toEqual({ status: 'signedOut' })
  })

  it('rejects with not_a_callback for such a URL given explicitly, with a sign-in under way', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = new URL(await authorize())
    const url = new URL('https://app.test/redeem')
    url.search = callback.search
    expect(auth.isRedirectCallback(url)).toBe(false)
    await expect(auth.handleRedirect(url)).rejects.toMatchObject({ code: 'not_a_callback' })
    // The transaction is still there: the genuine callback completes afterwards.
    await expect(auth.handleRedirect(callback)).resolves.toEqual({})
    expect(mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(1)
  })

  it('keeps a session in hand', async () => {
    const test = createTestClient()
    await test.signIn()
    setAddress(page)
    const auth = reloadTestClient(test).auth
    await expect(auth.handleRedirect()).rejects.toMatchObject({ code: 'not_a_callback' })
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })
})

describe('handleRedirect and isRedirectCallback: a relative URL', () => {
  it('resolves it against the page address', async () => {
    const { auth, authorize } = createTestClient()
    const callback = new URL(await authorize({ appState: 'relative' }))
    setAddress('https://app.test/somewhere')
    const relative = callback.pathname + callback.search
    expect(auth.isRedirectCallback(relative)).toBe(true)
    expect(auth.isRedirectCallback('/x')).toBe(false)
    await expect(auth.handleRedirect(relative)).resolves.toEqual({ appState: 'relative' })
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })

  it('shares the result of the same callback given as an absolute URL, and cleans the address bar', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = new URL(await authorize())
    setAddress(callback.href)
    const first = auth.handleRedirect(callback.pathname + callback.search)
    expect(auth.handleRedirect()).toBe(first)
    await first
    expect(location.href).toBe(TEST_REDIRECT_URI)
    expect(mock.requests.list().filter((r) => r.path === '/v2/oauth/token')).toHaveLength(1)
  })

  it('rejects with a typed AuthError, never a synchronous throw, when there is no address to resolve it against', async () => {
    const { auth } = createTestClient()
    // about:blank is no base for a path.
    let outcome: Promise<unknown> | undefined
    expect(() => (outcome = auth.handleRedirect('/callback?code=c&state=s'))).not.toThrow()
    const error = await outcome!.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect(error).toMatchObject({ code: 'not_a_callback' })
    expect(auth.isRedirectCallback('/callback?code=c&state=s')).toBe(false)
    // Nor for a string that is no URL at all.
    await expect(auth.handleRedirect('http://[bad')).rejects.toMatchObject({ code: 'not_a_callback' })
    expect(auth.isRedirectCallback('http://[bad')).toBe(false)
  })
})
