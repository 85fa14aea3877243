import { describe, expect, it } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import type { MockFault } from '@pkce-auth/mock-server'
import { createMockServer } from '@pkce-auth/mock-server'
import { createTestClient, TEST_ISSUER, TEST_REDIRECT_URI } from '../../../test/helpers/createTestClient'
import { records } from './records'

/**
 * A client whose every exchange with the (real, in-process) mock server is recorded, so that the
 * test knows each secret that went over the wire: codes, verifiers, tokens, in requests and responses.
 */
function createRecordingClient(scope = 'admin') {
  const clientId = 'secrets-app'
  const mock = createMockServer({ autoApprove: true, clients: [{ clientId, redirectUris: [TEST_REDIRECT_URI] }] })
  const secrets = new Set<string>()
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    for (const [name, value] of new URLSearchParams(await request.clone().text())) {
      if (/^(code|code_verifier|refresh_token|token)$/.test(name)) secrets.add(value)
    }
    const response = await mock.fetch(request)
    const body = await response.clone().json().catch(() => undefined)
    for (const name of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof body?.[name] === 'string') secrets.add(body[name])
    }
    return response
  }
  const test = createTestClient({ mock, clientId, fetch, scope })
  const authorize = async () => {
    const callback = await test.authorize()
    secrets.add(new URL(callback).searchParams.get('code')!)
    return callback
  }
  const transactionKey = (callback: string) =>
    `pkce-auth:${TEST_ISSUER}:${clientId}:transaction:${new URL(callback).searchParams.get('state')}`
  return { ...test, authorize, secrets, transactionKey }
}

/** Every text reachable from `value`: messages, causes (non-enumerable ones too), parameters, bytes, response bodies. */
async function texts(value: unknown, seen = new Set<unknown>()): Promise<string[]> {
  if (typeof value === 'string') return [value]
  if (typeof value !== 'object' || value === null || seen.has(value)) return []
  seen.add(value)
  if (value instanceof Response) return [value.url, ...(value.bodyUsed ? [] : [await value.clone().text()])]
  if (value instanceof URLSearchParams || value instanceof URL) return [value.toString()]
  if (ArrayBuffer.isView(value)) return [new TextDecoder().decode(value as Uint8Array)]
  const found: string[] = []
  for (const name of Object.getOwnPropertyNames(value)) {
    found.push(...(await texts((value as Record<string, unknown>)[name], seen)))
  }
  return found
}

/** Asserts that none of `secrets` shows anywhere in `error`, nor in the state. */
async function expectNoSecrets(error: unknown, test: ReturnType<typeof createRecordingClient>) {
  expect(error).toBeInstanceOf(AuthError)
  expect(test.secrets.size).toBeGreaterThan(0)
  const all = (await texts([error, test.auth.getState()])).join('\n')
  for (const secret of test.secrets) expect(all).not.toContain(secret)
}

const failedSignIn = async (test: ReturnType<typeof createRecordingClient>, fault?: MockFault, callback?: string) => {
  if (fault) test.mock.faults.add(fault)
  return test.auth.handleRedirect(callback ?? (await test.authorize())).catch((error: unknown) => error)
}

describe('AuthError', () => {
  it('holds no code, verifier or token when the token response is malformed but carries tokens', async () => {
    const test = createRecordingClient()
    const body = { access_token: 'at-in-a-bad-response', refresh_token: 'rt-in-a-bad-response', token_type: 42 }
    test.secrets.add(body.access_token).add(body.refresh_token)

    const error = await failedSignIn(test, { path: '/v2/oauth/token', status: 200, body })

    expect(error).toMatchObject({ code: 'invalid_response' })
    await expectNoSecrets(error, test)
  })

  it('holds no token when the token response is not JSON (its parse error would quote it)', async () => {
    const test = createRecordingClient()
    const body = '{"access_token": at-secret}'
    test.secrets.add('at-secret')

    const error = await failedSignIn(test, { path: '/v2/oauth/token', status: 200, headers: { 'content-type': 'application/json' }, body })

    expect(error).toMatchObject({ code: 'invalid_response' })
    await expectNoSecrets(error, test)
  })

  it('holds no ID token or code when the ID token nonce does not match', async () => {
    const test = createRecordingClient('openid admin')
    const callback = await test.authorize()
    const transaction = await records(test.storage).get<{ nonce: string }>(test.transactionKey(callback))
    await records(test.storage).set(test.transactionKey(callback), { ...transaction, nonce: 'another-nonce' })

    const error = await failedSignIn(test, undefined, callback)

    expect(error).toMatchObject({ code: 'invalid_response' })
    expect(test.secrets.size).toBeGreaterThanOrEqual(3) // the code, the verifier, the tokens issued
    await expectNoSecrets(error, test)
  })

  it('holds no code when the response names another issuer, or the state is unknown', async () => {
    const test = createRecordingClient()
    const callback = new URL(await test.authorize())
    callback.searchParams.set('iss', 'https://evil.test')
    await expectNoSecrets(await failedSignIn(test, undefined, callback.href), test)

    const forged = new URL(await test.authorize())
    forged.searchParams.set('state', 'forged')
    const error = await failedSignIn(test, undefined, forged.href)
    expect(error).toMatchObject({ code: 'state_mismatch' })
    await expectNoSecrets(error, test)
  })

  it('holds no code or verifier when the server rejects the verifier (invalid_grant)', async () => {
    const test = createRecordingClient()
    const callback = await test.authorize()
    const transaction = await records(test.storage).get<{ verifier: string }>(test.transactionKey(callback))
    test.secrets.add(transaction!.verifier)
    await records(test.storage).set(test.transactionKey(callback), { ...transaction, verifier: 'x'.repeat(43) })

    const error = await failedSignIn(test, undefined, callback)

    expect(error).toMatchObject({ code: 'invalid_grant' })
    await expectNoSecrets(error, test)
  })

  it('holds no token when a refresh fails with a 5xx, a 401 challenge or a malformed response', async () => {
    const test = createRecordingClient()
    await test.auth.handleRedirect(await test.authorize())
    const faults: MockFault[] = [
      { path: '/v2/oauth/token', status: 503, body: 'upstream said access_token=leaked-by-proxy' },
      { path: '/v2/oauth/token', status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: { refresh_token: 'rt-in-401' } },
      { path: '/v2/oauth/token', status: 200, body: { access_token: 'at-without-type' } },
    ]
    test.secrets.add('leaked-by-proxy').add('rt-in-401').add('at-without-type')
    for (const fault of faults) {
      test.mock.faults.add(fault)
      const error = await test.auth.getAccessToken({ forceRefresh: true }).catch((error: unknown) => error)
      await expectNoSecrets(error, test)
    }
  })
})
