import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError, idbStorage } from '@pkce-auth/core'
import { createTestClient, reloadTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import { records } from './records'

/** Defects found in the session-12 review of the callback: each test failed on the code before its fix. */

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const cleanup: (() => void)[] = []
const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((done) => (resolve = done))
  return { promise, resolve }
}

afterEach(() => {
  setAddress('about:blank')
  cleanup.splice(0).forEach((dispose) => dispose())
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

describe('signOut during the userinfo request of a sign-in', () => {
  it('wins: the sign-in rejects with login_required, nothing is stored, and no other tab signs in', async () => {
    // happy-dom's URL.parse returns URLs of another realm, which oauth4webapi's resource requests refuse.
    const parse = vi.spyOn(URL, 'parse').mockImplementation((url: string | URL, base?: string | URL) => URL.canParse(url, base) ? new URL(url, base) : null)
    cleanup.push(() => parse.mockRestore())
    const { mock } = createTestClient()
    const metadata = await (await mock.fetch(`${TEST_ISSUER}/.well-known/oauth-authorization-server`)).json()
    const clientId = 'userinfo-race'
    mock.clients.add({ clientId, redirectUris: [TEST_REDIRECT_URI] })
    // The userinfo request is held until the test lets it answer (with the token's own subject).
    const userinfo = deferred()
    const answer = deferred()
    const options = {
      mock,
      clientId,
      storage: 'indexeddb' as const,
      scope: 'openid admin',
      userInfo: true,
      metadata: { ...metadata, userinfo_endpoint: `${TEST_ISSUER}/userinfo` },
      fetch: async (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init)
        if (new URL(request.url).pathname !== '/userinfo') return mock.fetch(request)
        userinfo.resolve()
        await answer.promise
        const token = request.headers.get('authorization')!.split(' ')[1]!
        return Response.json({ sub: JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).sub, name: 'Ada' })
      },
    }
    const other = createTestClient(options)
    const test = createTestClient(options)
    const seen: string[] = []
    cleanup.push(other.auth.subscribe(() => seen.push(other.auth.getState().status)), other.auth.dispose, test.auth.dispose)
    cleanup.push(test.auth.subscribe(() => seen.push(test.auth.getState().status)))
    await expect.poll(() => other.auth.getState().status).toBe('signedOut')

    const outcome = test.auth.handleRedirect(await test.authorize()).then(() => 'resolved', (error: unknown) => error)
    await userinfo.promise
    await test.auth.signOut()
    answer.resolve()

    expect(await outcome).toBeInstanceOf(AuthError)
    expect(await outcome).toMatchObject({ code: 'login_required' })
    expect(test.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    expect(await records(idbStorage()).get(sessionKey(clientId))).toBeUndefined()
    // Time for a message to another tab to arrive, and for it to read storage.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen).not.toContain('signedIn')
    expect(other.auth.getState()).toMatchObject({ status: 'signedOut' })
    // A page loaded now finds no session either.
    const reloaded = createTestClient(options)
    cleanup.push(reloaded.auth.dispose)
    await expect.poll(() => reloaded.auth.getState().status).toBe('signedOut')
  })

  it('wins during the code exchange too, and a sign-in begun after it stands', async () => {
    const { auth, authorize, mock } = createTestClient()
    const callback = await authorize()
    mock.faults.add({ path: '/v2/oauth/token', delayMs: 100 })
    const outcome = auth.handleRedirect(callback)
    await auth.signOut()
    await expect(outcome).rejects.toMatchObject({ code: 'login_required' })
    expect(auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    await expect(auth.handleRedirect(await authorize())).resolves.toEqual({})
    expect(auth.getState()).toMatchObject({ status: 'signedIn' })
  })

  it('on a callback page, takes the state from loading to signed out (signed_out, not callback_failed)', async () => {
    const test = createTestClient()
    const callback = await test.authorize()
    setAddress(callback)
    const page = reloadTestClient(test)
    cleanup.push(page.auth.dispose)
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 100 })
    const outcome = page.auth.handleRedirect()
    await page.auth.signOut()
    await expect(outcome).rejects.toMatchObject({ code: 'login_required' })
    expect(page.auth.getState()).toEqual({ status: 'signedOut', reason: 'signed_out' })
    expect(location.href).toBe(TEST_REDIRECT_URI)
  })
})
