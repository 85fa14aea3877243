import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServer, MockServerOptions } from '@pkce-auth/mock-server'

/** The issuer in-process tests use (any origin works; the server answers as the request's origin). */
export const issuer = 'https://auth.test'
export const appOrigin = 'https://app.test'
export const redirectUri = `${appOrigin}/callback`

/** A server with one public client `app` and one confidential client `backend` (secret `s3cret`). */
export function createTestServer(options: MockServerOptions = {}): MockServer {
  return createMockServer({
    clients: [
      { clientId: 'app', name: 'Test App', redirectUris: [redirectUri], logoUri: `${appOrigin}/logo.png` },
      {
        clientId: 'backend',
        clientType: 'confidential',
        clientSecret: 's3cret',
        redirectUris: ['https://backend.test/cb'],
      },
    ],
    ...options,
  })
}

/** A fresh PKCE verifier and its S256 challenge. */
export async function pkcePair() {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  const verifier = Buffer.from(bytes).toString('base64url')
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: Buffer.from(digest).toString('base64url') }
}

/** A form-encoded POST. */
export function postForm(params: Record<string, string>, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
  }
}

/** A JSON request with an optional bearer token. */
export function jsonRequest(method: string, body: unknown, token?: string): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

/** A GET with a bearer token. */
export function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } }
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>

/** What the consent page carries: its consent token and the signed-in user's bearer token. */
export async function readConsentPage(fetchFn: Fetch, pageUrl: string) {
  const html = await (await fetchFn(pageUrl)).text()
  const consentToken = /<meta name="consent-token" content="([^"]+)">/.exec(html)?.[1]
  const portalToken = /<meta name="portal-token" content="([^"]+)">/.exec(html)?.[1]
  if (!consentToken || !portalToken) throw new Error('consent page without tokens')
  return { html, consentToken, portalToken }
}

/** Starts an authorization request for `app` and loads its consent page; resolves to what the page carries. */
export async function openConsentPage(mock: MockServer, scope = 'admin') {
  const { challenge } = await pkcePair()
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'app',
    redirect_uri: redirectUri,
    scope,
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  const response = await mock.fetch(`${issuer}/v2/oauth/authorize?${query}`, { redirect: 'manual' })
  return readConsentPage((input, init) => mock.fetch(input, init), response.headers.get('location') as string)
}

/** Starts an authorization request and answers the consent page as its script would; resolves to the callback URL. */
export async function authorize(
  fetchFn: Fetch,
  base: string,
  options: { clientId?: string; redirectUri?: string; scope?: string; state?: string; nonce?: string; allowed?: boolean; challenge: string; dpopJkt?: string },
): Promise<URL> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId ?? 'app',
    redirect_uri: options.redirectUri ?? redirectUri,
    scope: options.scope ?? 'admin',
    state: options.state ?? 'state-1',
    code_challenge: options.challenge,
    code_challenge_method: 'S256',
    ...(options.nonce ? { nonce: options.nonce } : {}),
    ...(options.dpopJkt ? { dpop_jkt: options.dpopJkt } : {}),
  })
  const response = await fetchFn(`${base}/v2/oauth/authorize?${query}`, { redirect: 'manual' })
  const location = response.headers.get('location')
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}`)
  if (!location.includes('/v2/oauth/consent-page')) return new URL(location)
  const { consentToken, portalToken } = await readConsentPage(fetchFn, location)
  const decision = await fetchFn(
    `${base}/v2/oauth/grants`,
    jsonRequest('POST', { allowed: options.allowed ?? true, consent_token: consentToken }, portalToken),
  )
  const { redirect_uri: redirectTo } = (await decision.json()) as { redirect_uri: string }
  return new URL(redirectTo)
}

/** Runs the whole flow for the public client `app`; resolves to the token response. */
export async function signIn(mock: MockServer, options: { scope?: string; nonce?: string } = {}) {
  const fetchFn: Fetch = (input, init) => mock.fetch(input, init)
  const { verifier, challenge } = await pkcePair()
  const callback = await authorize(fetchFn, issuer, { ...options, challenge })
  const code = callback.searchParams.get('code') as string
  const response = await mock.fetch(
    `${issuer}/v2/oauth/token`,
    postForm({ grant_type: 'authorization_code', code, code_verifier: verifier, client_id: 'app', redirect_uri: redirectUri }),
  )
  return (await response.json()) as {
    access_token: string
    refresh_token: string
    id_token?: string
    scope: string
    expires_in: number
    token_type: string
  }
}
