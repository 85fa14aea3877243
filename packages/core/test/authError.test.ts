import { describe, expect, it } from 'vitest'
import { AuthError } from '@pkce-auth/core'
import * as oauth from 'oauth4webapi'
import { toAuthError } from '../src/authError'

const bodyError = async (status: number, body: object) => {
  const response = new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  const as = { issuer: 'https://auth.test', token_endpoint: 'https://auth.test/token' }
  return oauth.processRefreshTokenResponse(as, { client_id: 'app' }, response).catch((error: unknown) => error)
}

describe('AuthError', () => {
  it('is an Error with a name, a code and the cause', () => {
    const cause = new Error('inner')
    const error = new AuthError('state_mismatch', 'bad state', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ name: 'AuthError', code: 'state_mismatch', retryable: false, cause })
  })

  it('marks network, timeout, server_error and rate_limited as retryable', () => {
    for (const code of ['network', 'timeout', 'server_error', 'rate_limited'] as const) {
      expect(new AuthError(code, code).retryable).toBe(true)
    }
    expect(new AuthError('invalid_grant', 'x').retryable).toBe(false)
  })
})

describe('toAuthError', () => {
  it('maps a ResponseBodyError with invalid_grant to invalid_grant, keeping the server fields', async () => {
    const cause = await bodyError(400, { error: 'invalid_grant', error_description: 'expired' })
    expect(cause).toBeInstanceOf(oauth.ResponseBodyError)
    expect(toAuthError(cause)).toMatchObject({
      code: 'invalid_grant',
      status: 400,
      error: 'invalid_grant',
      error_description: 'expired',
      retryable: false,
      cause,
    })
  })

  it('maps other OAuth errors to oauth_error', async () => {
    expect(toAuthError(await bodyError(401, { error: 'invalid_client' }))).toMatchObject({
      code: 'oauth_error',
      error: 'invalid_client',
      status: 401,
    })
  })

  it('maps a 401 with a WWW-Authenticate challenge to the error it names, else invalid_client', async () => {
    const challenged = async (challenge: string) => {
      const response = new Response('{"error":"ignored"}', { status: 401, headers: { 'www-authenticate': challenge } })
      const as = { issuer: 'https://auth.test', token_endpoint: 'https://auth.test/token' }
      return oauth.processRefreshTokenResponse(as, { client_id: 'app' }, response).catch((error: unknown) => error)
    }
    const basic = await challenged('Basic realm="https://auth.test"')
    expect(basic).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    expect(toAuthError(basic)).toMatchObject({ code: 'oauth_error', error: 'invalid_client', status: 401, cause: basic })
    expect(toAuthError(await challenged('Bearer error="invalid_grant"'))).toMatchObject({ code: 'invalid_grant', status: 401 })
  })

  it('maps a 429 to a retryable rate_limited, whatever the body says', async () => {
    expect(toAuthError(await bodyError(429, { error: 'slow_down' }))).toMatchObject({ code: 'rate_limited', retryable: true })
  })

  it('maps a 5xx without an OAuth body to a retryable server_error', async () => {
    const response = new Response('<h1>down</h1>', { status: 503 })
    const cause = await oauth
      .processRefreshTokenResponse({ issuer: 'https://a.test' }, { client_id: 'app' }, response)
      .catch((error: unknown) => error)
    expect(toAuthError(cause)).toMatchObject({ code: 'server_error', status: 503, retryable: true })
  })

  it('maps an authorization error response by its error', () => {
    const params = new URLSearchParams({ error: 'access_denied', error_description: 'no', state: 's' })
    const cause = (() => {
      try {
        return oauth.validateAuthResponse({ issuer: 'https://a.test' }, { client_id: 'app' }, params, 's')
      } catch (error) {
        return error
      }
    })()
    expect(cause).toBeInstanceOf(oauth.AuthorizationResponseError)
    expect(toAuthError(cause)).toMatchObject({ code: 'access_denied', error: 'access_denied', error_description: 'no' })
  })

  it('maps temporarily_unavailable to a retryable server_error', () => {
    expect(toAuthError({ error: 'temporarily_unavailable' })).toMatchObject({ code: 'server_error', retryable: true })
  })

  it('maps an unknown OAuth error to oauth_error, even one named like an object property', () => {
    expect(toAuthError({ error: 'invalid_scope' })).toMatchObject({ code: 'oauth_error' })
    expect(toAuthError({ error: 'constructor' })).toMatchObject({ code: 'oauth_error' })
  })

  it('maps a TimeoutError and HTTP 408 to a retryable timeout', () => {
    expect(toAuthError(new DOMException('late', 'TimeoutError'))).toMatchObject({ code: 'timeout', retryable: true })
    expect(toAuthError({ status: 408 })).toMatchObject({ code: 'timeout', status: 408 })
  })

  it('maps anything else to invalid_response', () => {
    expect(toAuthError(new Error('boom'))).toMatchObject({ code: 'invalid_response' })
    expect(toAuthError(undefined)).toMatchObject({ code: 'invalid_response' })
    expect(toAuthError('text')).toMatchObject({ code: 'invalid_response' })
  })

  it('passes an AuthError through unchanged', () => {
    const error = new AuthError('network', 'offline')
    expect(toAuthError(error)).toBe(error)
  })
})
