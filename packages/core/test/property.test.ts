import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

const sessionKey = (clientId: string) => `pkce-auth:${TEST_ISSUER}:${clientId}:session`

interface StoredSession {
  accessToken: string
  refreshToken?: string
  expiresAt: number
}

/** What oauth4webapi must accept (and the client may store) from a 200 token response. */
function isAcceptable(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false
  const { access_token, token_type, expires_in, refresh_token, scope, id_token } = body as Record<string, unknown>
  const expiresIn = typeof expires_in === 'string' ? parseFloat(expires_in) : expires_in
  return (
    typeof access_token === 'string' && access_token.length > 0 &&
    typeof token_type === 'string' && ['bearer', 'dpop'].includes(token_type.toLowerCase()) &&
    (expires_in === undefined || (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn >= 0)) &&
    (refresh_token === undefined || (typeof refresh_token === 'string' && refresh_token.length > 0)) &&
    (scope === undefined || typeof scope === 'string') &&
    id_token === undefined
  )
}

/** Mostly the valid value, sometimes one of the others (`undefined` leaves the field out). */
const mostly = <T>(valid: T, ...others: fc.Arbitrary<T>[]): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(valid), weight: others.length * 3 }, ...others)

/** Token responses near the valid ones: each field valid, missing or wrong; and some that are not close at all. */
const tokenBody = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      access_token: mostly<unknown>('at-from-fault', fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined)),
      token_type: mostly<unknown>('Bearer', fc.constantFrom('bearer', 'DPoP', 'MAC', ''), fc.integer(), fc.constant(undefined)),
      expires_in: mostly<unknown>(
        3600,
        fc.integer({ min: -10, max: 100_000 }),
        fc.constantFrom('3600', 'soon', ''),
        fc.double(),
        fc.constant(undefined),
      ),
      refresh_token: mostly<unknown>(undefined, fc.string(), fc.integer()),
      scope: mostly<unknown>(undefined, fc.string(), fc.array(fc.string())),
      id_token: mostly<unknown>(undefined, fc.string()),
      error: mostly<unknown>(undefined, fc.constantFrom('invalid_grant', 'invalid_request', 'server_error')),
    }),
  },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.jsonValue() },
)

const tokenStatus = mostly(200, fc.constantFrom(400, 401, 403, 429, 500, 502, 503))

describe('handleRedirect (property)', () => {
  it('only rejects with AuthError and signs in only with a valid code for its own state', async () => {
    // Each parameter: mostly the genuine value (or absent, for error*), else something else.
    const param = (valid: string | undefined, ...others: fc.Arbitrary<string | undefined>[]) =>
      mostly<string | undefined>(valid, fc.string(), fc.constant(valid === undefined ? '' : undefined), ...others)
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          code: param('<real>'),
          state: param('<real>'),
          iss: param(TEST_ISSUER, fc.constantFrom('https://evil.test', `${TEST_ISSUER}/`)),
          error: param(undefined, fc.constantFrom('access_denied', 'server_error', 'invalid_scope', 'temporarily_unavailable')),
          error_description: param(undefined),
          extra: param(undefined),
        }),
        fc.boolean(),
        async (params, issParameter) => {
          const test = createTestClient({ server: { issParameter } })
          const real = new URL(await test.authorize())
          const url = new URL(TEST_REDIRECT_URI)
          for (const [name, value] of Object.entries(params)) {
            if (value !== undefined) url.searchParams.set(name, value === '<real>' ? real.searchParams.get(name)! : value)
          }
          const outcome = await test.auth.handleRedirect(url).then(() => 'resolved', (error: unknown) => error)
          const stored = await records(test.storage).get<StoredSession>(sessionKey(test.clientId))
          // An empty parameter counts as absent (as oauth4webapi reads it).
          const genuine = params.code === '<real>' && params.state === '<real>' && !params.error &&
            (params.iss === TEST_ISSUER || (!params.iss && !issParameter))
          // Exactly the genuine response gets through.
          expect(outcome === 'resolved').toBe(genuine)
          if (outcome === 'resolved') {
            expect(stored?.accessToken).toEqual(expect.any(String))
          } else {
            expect(outcome).toBeInstanceOf(AuthError)
            expect(stored).toBeUndefined()
            // Without a code or an error the page is no authorization response: nothing failed, nothing changes.
            const response = params.code !== undefined || params.error !== undefined
            expect(outcome).toMatchObject({ code: response ? expect.not.stringMatching(/^not_a_callback$/) : 'not_a_callback' })
            expect(test.auth.getState()).toEqual(response ? expect.objectContaining({ reason: 'callback_failed' }) : { status: 'signedOut' })
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('token responses (property)', () => {
  it('the code exchange stores exactly the responses that pass validation, and rejects only with AuthError', async () => {
    await fc.assert(
      fc.asyncProperty(tokenStatus, tokenBody, async (status, body) => {
        // One attempt: these properties are about validation; retries have tests of their own.
        const test = createTestClient({ retry: { attempts: 1 } })
        const callback = await test.authorize()
        test.mock.faults.add({ path: '/v2/oauth/token', status, body })
        const outcome = await test.auth.handleRedirect(callback).then(() => 'resolved', (error: unknown) => error)
        const stored = await records(test.storage).get<StoredSession>(sessionKey(test.clientId))
        if (status === 200 && isAcceptable(body)) {
          expect(outcome).toBe('resolved')
          expect(stored?.accessToken).toBe((body as { access_token: string }).access_token)
          expect(Number.isFinite(stored?.expiresAt)).toBe(true)
        } else {
          expect(outcome).toBeInstanceOf(AuthError)
          expect(stored).toBeUndefined()
        }
      }),
      { numRuns: 150 },
    )
  })

  it('a refresh keeps the old session unless the response passes validation, and rejects only with AuthError', async () => {
    await fc.assert(
      fc.asyncProperty(tokenStatus, tokenBody, async (status, body) => {
        const clock = { now: Date.now() }
        const test = createTestClient({ now: () => clock.now, retry: { attempts: 1 } })
        await test.signIn()
        const before = await records(test.storage).get<StoredSession>(sessionKey(test.clientId))
        clock.now += 3_600_000
        test.mock.faults.add({ path: '/v2/oauth/token', status, body })
        const outcome = await test.auth.getAccessToken().then((token) => token, (error: unknown) => error)
        const stored = await records(test.storage).get<StoredSession>(sessionKey(test.clientId))
        if (status === 200 && isAcceptable(body)) {
          const { access_token, refresh_token } = body as { access_token: string; refresh_token?: string }
          expect(outcome).toBe(access_token)
          expect(stored).toMatchObject({ accessToken: access_token, refreshToken: refresh_token ?? before!.refreshToken })
        } else {
          expect(outcome).toBeInstanceOf(AuthError)
          const error = outcome as AuthError
          if (error.code === 'invalid_grant') {
            expect(stored).toBeUndefined()
            expect(test.auth.getState()).toMatchObject({ status: 'signedOut', reason: 'session_expired' })
          } else {
            expect(stored).toEqual(before)
            expect(test.auth.getState()).toMatchObject({ status: 'signedIn', error })
          }
        }
      }),
      { numRuns: 100 },
    )
  })
})
