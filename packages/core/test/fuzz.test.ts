import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { AuthError, idbStorage } from '@pkce-auth/core'
import type { AuthState } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'
import { records } from './records'

/**
 * Fuzzing the two doors through which outside data reaches the client: the callback URL, which anyone
 * can craft and link to, and the stored records, which anything with access to the disk or to
 * IndexedDB can change. Bounded (at most 200 runs, a few seconds per property) so that it runs with
 * every `npm test`; fast-check prints the seed and the shrunk counterexample of a failure.
 */

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`
const cleanup: (() => void)[] = []

afterEach(() => {
  cleanup.splice(0).forEach((dispose) => dispose())
  setAddress('about:blank')
})

/** Settles `promise` as a value to look at: `{ value }` or `{ error }`. A synchronous throw counts as a failure of the test. */
const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ value, error: undefined }), (error: unknown) => ({ value: undefined, error }))

/** Any text: unicode (lone surrogates included), or huge. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '%', '%zz', '&', '=', '#', '\u0000', '\u{1F512}', 'é'.normalize('NFD')) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((n) => 'x'.repeat(10 ** (n + 2))) },
)
const REAL = Symbol('the genuine value')
/** The names an authorization response uses (and the ones oauth4webapi refuses), or any name. */
const paramName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('code', 'state', 'iss', 'error', 'error_description', 'response', 'id_token', 'token') },
  { weight: 1, arbitrary: text },
)

describe('handleRedirect (fuzz): any callback URL', () => {
  it('settles as success or a typed AuthError, never throws, and stores a session only after a genuine exchange', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          // The genuine parameters kept (each once, in any order), and any others added, duplicates included.
          genuine: fc.shuffledSubarray(['code', 'state', 'iss']),
          extra: fc.array(fc.tuple(paramName, fc.oneof(fc.constant(REAL), text)), { maxLength: 4 }),
          origin: fc.constantFrom('https://app.test', 'https://app.test', 'https://evil.test', 'http://app.test'),
          path: fc.constantFrom('/callback', '/callback', '/callback', '/callback/', '/Callback', '/other', '/callback/x'),
          hash: fc.option(text, { nil: undefined }),
          // How the URL is given: a string, a URL object, a relative string, or as the page's own address.
          form: fc.constantFrom('string', 'url', 'relative', 'address'),
          // Whether the server sends (and advertises) RFC 9207's `iss`.
          issParameter: fc.boolean(),
        }),
        async ({ genuine, extra, origin, path, hash, form, issParameter }) => {
          const test = createTestClient({ server: { issParameter } })
          const { mock } = test
          cleanup.push(test.auth.dispose)
          const real = new URL(await test.authorize()).searchParams
          mock.requests.clear()
          const url = new URL(origin + path)
          const kept = genuine.filter((name) => real.has(name))
          for (const name of kept) url.searchParams.append(name, real.get(name)!)
          for (const [name, value] of extra) url.searchParams.append(name, value === REAL ? real.get(name) ?? 'x' : value)
          if (hash !== undefined) url.hash = hash
          setAddress(form === 'address' ? url.href : 'https://app.test/page')
          const given = form === 'url' ? url : form === 'relative' ? url.href.slice(url.origin.length) : form === 'string' ? url.href : undefined

          let call: Promise<unknown> | undefined
          expect(() => (call = test.auth.handleRedirect(given))).not.toThrow()
          const { error } = await settle(call!)
          const stored = await records(test.storage).get(sessionKey(test.clientId))
          const exchanges = mock.requests.list().filter((r) => r.path === '/v2/oauth/token' && r.status === 200 && r.grantType === 'authorization_code')
          const only = (name: string) => url.searchParams.getAll(name).length === 1 && url.searchParams.get(name) === real.get(name)
          // A relative URL resolves against the page, which is on app.test.
          const onRedirectUri = (form === 'relative' ? 'https://app.test' : url.origin) + url.pathname === TEST_REDIRECT_URI
          const reserved = ['code', 'state', 'iss', 'error', 'response', 'id_token', 'token']

          if (error === undefined) {
            // Success only for the genuine code and state, each once, on the redirect URI; and one exchange, stored.
            expect(onRedirectUri && only('code') && only('state')).toBe(true)
            expect(exchanges).toHaveLength(1)
            expect(stored).toMatchObject({ accessToken: expect.any(String) })
            expect(test.auth.getState().status).toBe('signedIn')
          } else {
            expect(error).toBeInstanceOf(AuthError)
            expect(stored).toBeUndefined()
            expect(test.auth.getState().status).toBe('signedOut')
            // The genuine response, with nothing reserved added, does not fail.
            const clean = kept.length === real.size && extra.every(([name]) => !reserved.includes(name))
            expect(onRedirectUri && clean, String(error)).toBe(false)
          }
          if (form === 'address') {
            // Off the redirect URI (or without a response) the address stays; on it, the response leaves it.
            if ((error as AuthError | undefined)?.code === 'not_a_callback') expect(location.href).toBe(url.href)
            else expect([...new URL(location.href).searchParams.keys()].filter((name) => /^(code|state|iss|error)/.test(name))).toEqual([])
          }
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 4_500, markInterruptAsFailure: false },
    )
  }, 10_000)
})

/** A tampered record: changes to a genuine session, any decryptable value, or raw bytes in place of the encrypted record. */
const tampering = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('fields' as const),
      fields: fc.dictionary(
        fc.constantFrom('v', 'id', 'accessToken', 'refreshToken', 'idToken', 'expiresAt', 'lifetime', 'scope', 'user', 'userInfo', 'resources'),
        fc.oneof(
          fc.jsonValue(),
          fc.constant(undefined),
          fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, Number.MAX_SAFE_INTEGER, '', '1', 'soon'),
          fc.integer({ min: -1e13, max: 1e13 }),
        ),
        { maxKeys: 4 },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('plain' as const), value: fc.jsonValue() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      value: fc.oneof(
        fc.jsonValue(),
        fc.uint8Array({ maxLength: 64 }),
        fc.record({
          v: fc.oneof(fc.constant(1), fc.jsonValue()),
          iv: fc.oneof(fc.base64String({ maxLength: 24 }), text),
          data: fc.oneof(fc.base64String({ maxLength: 200 }), text),
        }),
      ),
    }),
  },
)

describe('restore (fuzz): a tampered session record', () => {
  it('ends signed out (or keeps loading on a callback page), never throws, never loops', async () => {
    const clock = { now: Date.now() }
    await fc.assert(
      fc.asyncProperty(tampering, fc.boolean(), async (tamper, onCallbackPage) => {
        const first = createTestClient({ storage: 'indexeddb', now: () => clock.now })
        await first.signIn()
        first.auth.dispose()
        const stored = records(idbStorage())
        const key = sessionKey(first.clientId)
        const genuine = await stored.get<Record<string, unknown>>(key)
        if (tamper.kind === 'fields') await stored.set(key, { ...genuine, ...tamper.fields })
        else if (tamper.kind === 'plain') await stored.set(key, tamper.value)
        else await idbStorage().set(key, tamper.value)
        const record = await stored.get<Record<string, unknown>>(key)
        const isSession = typeof record?.accessToken === 'string' && typeof record.expiresAt === 'number' &&
          record.v === 1 && ['undefined', 'string'].includes(typeof record.refreshToken)

        if (onCallbackPage) setAddress(`${TEST_REDIRECT_URI}?code=c&state=s`)
        let page!: ReturnType<typeof createTestClient>
        const states: AuthState['status'][] = []
        expect(() => {
          page = createTestClient({ storage: 'indexeddb', now: () => clock.now, mock: first.mock, clientId: first.clientId })
          cleanup.push(page.auth.subscribe(() => states.push(page.auth.getState().status)), page.auth.dispose)
        }).not.toThrow()
        page.mock.requests.clear()
        // Restored (and, for an expired token, refreshed once) in this time; a loop would show here.
        await new Promise((resolve) => setTimeout(resolve, 25))
        const status = page.auth.getState().status
        if (!isSession) expect(status).toBe(onCallbackPage ? 'loading' : 'signedOut')
        else expect(onCallbackPage ? ['loading', 'signedIn'] : ['signedIn', 'signedOut']).toContain(status)
        expect(states.length).toBeLessThanOrEqual(2)
        expect(page.mock.requests.list().length).toBeLessThanOrEqual(1)
        // Asking for a token gives a token or a typed error.
        const { value, error } = await settle(page.auth.getAccessToken())
        if (error === undefined) expect(value).toEqual(expect.any(String))
        else expect(error).toBeInstanceOf(AuthError)
        // On the callback page, the callback (no sign-in under way) settles the state.
        if (onCallbackPage) {
          await expect(page.auth.handleRedirect()).rejects.toMatchObject({ code: 'state_mismatch' })
          expect(page.auth.getState().status).not.toBe('loading')
        }
        expect(page.mock.requests.list().length).toBeLessThanOrEqual(2)
      }),
      { numRuns: 80, interruptAfterTimeLimit: 4_500, markInterruptAsFailure: false },
    )
  }, 10_000)
})
