import { afterEach, describe, expect, it } from 'vitest'
import { createTestClient, reloadTestClient } from '../../../test/helpers/createTestClient'
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
