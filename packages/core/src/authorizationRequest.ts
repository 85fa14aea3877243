import * as oauth from 'oauth4webapi'
import { withParams } from './redirectUrl'

/** What a sign-in keeps until its callback, under its `state`: never in the URL. */
export interface Transaction {
  v: 1
  verifier: string
  nonce?: string
  appState?: unknown
  returnTo?: string
  /** The scope asked for, which a token response without `scope` was granted. */
  scope?: string
  /** Started by `signInWithPopup`: the callback page hands the response to the page that opened it. */
  popup?: true
  expiresAt: number
}

/**
 * Builds an authorization request (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636), a fresh `state`, and a
 * `nonce` when `openid` is in `params.scope`. Empty `params` are left out. Resolves to the URL to send
 * the user to and the transaction to keep under `state` until the callback, `ttl` ms from `now`.
 *
 * @see [RFC 7636 - Proof Key for Code Exchange (PKCE)](https://www.rfc-editor.org/rfc/rfc7636.html)
 */
export async function createAuthorizationRequest(
  endpoint: URL,
  params: Record<string, unknown> & { scope?: string },
  kept: Pick<Transaction, 'appState' | 'returnTo' | 'scope' | 'popup'>,
  now: number,
  ttl: number,
) {
  const verifier = oauth.generateRandomCodeVerifier()
  const nonce = params.scope?.split(' ').includes('openid') ? oauth.generateRandomNonce() : undefined
  const state = oauth.generateRandomState()
  const transaction: Transaction = { v: 1, verifier, nonce, ...kept, expiresAt: now + ttl }
  const url = withParams(endpoint, {
    ...params,
    response_type: 'code',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
  })
  return { url, state, transaction }
}
