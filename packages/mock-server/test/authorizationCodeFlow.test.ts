import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MockServer, MockServerListener } from '@pkce-auth/mock-server'
import { authorize, bearer, createTestServer, jsonRequest, pkcePair, postForm, readConsentPage, redirectUri } from './helpers'

describe('authorization code flow over HTTP', () => {
  let mock: MockServer
  let server: MockServerListener

  beforeEach(async () => {
    mock = createTestServer()
    server = await mock.listen(0, '127.0.0.1')
  })
  afterEach(() => server.close())

  const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    fetch(
      `${server.url}/v2/oauth/token`,
      postForm({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri, ...extra }),
    )

  it('issues tokens for a code approved on the consent page', async () => {
    const { verifier, challenge } = await pkcePair()
    const authorizeUrl = `${server.url}/v2/oauth/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: 'app',
      redirect_uri: redirectUri,
      scope: 'admin',
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`
    const start = await fetch(authorizeUrl, { redirect: 'manual' })
    expect(start.status).toBe(302)
    const pageUrl = start.headers.get('location') as string
    expect(pageUrl.startsWith(`${server.url}/v2/oauth/consent-page?consent_token=`)).toBe(true)

    // What the page's script does: read the consent, then post the decision with the portal user's token.
    const { html, consentToken, portalToken } = await readConsentPage(fetch, pageUrl)
    expect(html).toContain('id="allow"')
    expect(html).toContain('id="deny"')
    const consent = await fetch(`${server.url}/v2/oauth/consent/${consentToken}`, bearer(portalToken))
    expect(consent.status).toBe(200)
    expect((await consent.json()).data).toMatchObject({
      client_id: 'app',
      name: 'Test App',
      logo_uri: 'https://app.test/logo.png',
      redirect_uri: redirectUri,
      verified: false,
      requested_scopes: [{ id: 'admin', name: 'admin' }],
    })
    const decision = await fetch(`${server.url}/v2/oauth/grants`, jsonRequest('POST', { allowed: true, consent_token: consentToken }, portalToken))
    expect(decision.status).toBe(200)
    const callback = new URL((await decision.json()).redirect_uri)
    expect(callback.origin + callback.pathname).toBe(redirectUri)
    expect(callback.searchParams.get('state')).toBe('xyz')
    expect(callback.searchParams.has('iss')).toBe(false)

    const response = await exchange(callback.searchParams.get('code') as string, verifier)
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const tokens = await response.json()
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'admin' })
    expect(typeof tokens.access_token).toBe('string')
    expect(typeof tokens.refresh_token).toBe('string')
    expect(tokens.id_token).toBeUndefined()

    const grants = await fetch(`${server.url}/v2/oauth_grants`, bearer(tokens.access_token))
    expect(grants.status).toBe(200)
    expect((await grants.json()).data).toMatchObject([{ record_type: 'oauth_grant', client_id: 'app', scopes: ['admin'] }])
  })

  it('sends access_denied with the state when the user denies', async () => {
    const { challenge } = await pkcePair()
    const callback = await authorize(fetch, server.url, { challenge, state: 'keep-me', allowed: false })
    expect(callback.searchParams.get('error')).toBe('access_denied')
    expect(callback.searchParams.get('state')).toBe('keep-me')
    expect(callback.searchParams.has('code')).toBe(false)
  })

  it('accepts a consent token only once', async () => {
    const { challenge } = await pkcePair()
    const start = await fetch(
      `${server.url}/v2/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' })}`,
      { redirect: 'manual' },
    )
    const { consentToken, portalToken } = await readConsentPage(fetch, start.headers.get('location') as string)
    const body = { allowed: true, consent_token: consentToken }
    expect((await fetch(`${server.url}/v2/oauth/grants`, jsonRequest('POST', body, portalToken))).status).toBe(200)
    const again = await fetch(`${server.url}/v2/oauth/grants`, jsonRequest('POST', body, portalToken))
    expect(again.status).toBe(422)
    expect((await again.json()).errors[0].source).toEqual({ pointer: '/consent_token' })
  })

  it('rejects a replayed code and revokes the tokens it issued', async () => {
    const { verifier, challenge } = await pkcePair()
    const code = (await authorize(fetch, server.url, { challenge })).searchParams.get('code') as string
    const first = await (await exchange(code, verifier)).json()
    const replay = await exchange(code, verifier)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
    expect((await fetch(`${server.url}/v2/oauth_grants`, bearer(first.access_token))).status).toBe(401)
    const refresh = await fetch(
      `${server.url}/v2/oauth/token`,
      postForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: 'app' }),
    )
    expect((await refresh.json()).error).toBe('invalid_grant')
  })

  it('rejects a wrong code_verifier', async () => {
    const { challenge } = await pkcePair()
    const code = (await authorize(fetch, server.url, { challenge })).searchParams.get('code') as string
    const response = await exchange(code, (await pkcePair()).verifier)
    expect(response.status).toBe(400)
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('rejects a missing code_verifier', async () => {
    const { challenge } = await pkcePair()
    const code = (await authorize(fetch, server.url, { challenge })).searchParams.get('code') as string
    const response = await fetch(
      `${server.url}/v2/oauth/token`,
      postForm({ grant_type: 'authorization_code', code, client_id: 'app', redirect_uri: redirectUri }),
    )
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('rejects a redirect_uri that differs from the authorization request', async () => {
    const { verifier, challenge } = await pkcePair()
    const code = (await authorize(fetch, server.url, { challenge })).searchParams.get('code') as string
    const response = await exchange(code, verifier, { redirect_uri: 'https://app.test/other' })
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('rejects a code presented by another client', async () => {
    mock.clients.add({ clientId: 'other', redirectUris: [redirectUri] })
    const { verifier, challenge } = await pkcePair()
    const code = (await authorize(fetch, server.url, { challenge })).searchParams.get('code') as string
    const response = await exchange(code, verifier, { client_id: 'other' })
    expect((await response.json()).error).toBe('invalid_grant')
  })

  it('accepts a plain code challenge', async () => {
    const { verifier } = await pkcePair()
    const start = await fetch(
      `${server.url}/v2/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app', redirect_uri: redirectUri, code_challenge: verifier, code_challenge_method: 'plain' })}`,
      { redirect: 'manual' },
    )
    const { consentToken, portalToken } = await readConsentPage(fetch, start.headers.get('location') as string)
    const decision = await fetch(`${server.url}/v2/oauth/grants`, jsonRequest('POST', { allowed: true, consent_token: consentToken }, portalToken))
    const code = new URL((await decision.json()).redirect_uri).searchParams.get('code') as string
    expect((await exchange(code, verifier)).status).toBe(200)
  })
})
