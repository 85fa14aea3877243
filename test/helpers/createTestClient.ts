import { createAuthClient, memoryStorage } from '@pkce-auth/core'
import type { AuthClientOptions, AuthStorage, SignInOptions } from '@pkce-auth/core'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer, MockServerOptions } from '@pkce-auth/mock-server'
import { vi } from 'vitest'

/** The issuer every test client talks to; the mock server takes its issuer from the request's origin. */
export const TEST_ISSUER = 'https://auth.test'
/** The registered redirect URI of every test client. */
export const TEST_REDIRECT_URI = 'https://app.test/callback'

let clientCount = 0

/** Options of {@link createTestClient}: any client option, plus the mock server to use or its options. */
export interface TestClientOptions extends Partial<AuthClientOptions> {
  /** An existing mock server (to share one between clients); by default a fresh one per client. */
  mock?: MockServer
  /** Options for the fresh mock server (merged over `autoApprove: true` and the client's registration). */
  server?: MockServerOptions
}

/**
 * A fresh client wired to an in-process mock authorization server: `fetch` calls `mock.fetch`
 * directly (no port), `navigate` is a spy, and storage is a fresh `memoryStorage()` unless given.
 * Requests are tried once (`retry: { attempts: 1 }`), so one injected fault is one failure; tests of
 * retries pass `retry` themselves.
 * Each client gets its own `clientId`, so clients using IndexedDB never see each other's records.
 */
export function createTestClient(options: TestClientOptions = {}) {
  const { mock: givenMock, server, ...clientOptions } = options
  const clientId = clientOptions.clientId ?? `test-app-${++clientCount}`
  const mock =
    givenMock ??
    createMockServer({
      autoApprove: true,
      clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI] }],
      ...server,
    })
  const navigate = vi.fn<(url: string) => void>()
  const fetch = vi.fn((input: RequestInfo | URL, init?: RequestInit) => mock.fetch(new Request(input, init)))
  const storage: AuthStorage = clientOptions.storage && typeof clientOptions.storage === 'object'
    ? clientOptions.storage
    : memoryStorage()
  const auth = createAuthClient({
    issuer: TEST_ISSUER,
    redirectUri: TEST_REDIRECT_URI,
    scope: 'admin',
    fetch,
    navigate,
    retry: { attempts: 1 },
    ...clientOptions,
    storage: clientOptions.storage === 'indexeddb' ? 'indexeddb' : storage,
    clientId,
  })

  /** Calls `signIn`, lets the mock approve the authorization request, and returns the callback URL. */
  const authorize = async (signInOptions?: SignInOptions): Promise<string> => {
    await auth.signIn(signInOptions)
    const authorizeUrl = navigate.mock.lastCall?.[0]
    if (!authorizeUrl) throw new Error('signIn did not navigate')
    const response = await mock.fetch(authorizeUrl)
    const location = response.headers.get('location')
    if (!location) throw new Error(`the authorization endpoint answered ${response.status} without a redirect`)
    return new URL(location, authorizeUrl).href
  }

  /** A complete sign-in: `signIn`, approval at the mock server, `handleRedirect`. */
  const signIn = async (signInOptions?: SignInOptions) => auth.handleRedirect(await authorize(signInOptions))

  return { auth, mock, navigate, fetch, storage, clientId, authorize, signIn }
}

/** The same client re-created over the same storage and server: what a page reload looks like. */
export function reloadTestClient(
  { mock, storage, clientId }: ReturnType<typeof createTestClient>,
  options: TestClientOptions = {},
) {
  return createTestClient({ mock, storage, clientId, ...options })
}
