import type { AuthClientOptions } from '@pkce-auth/core'

/** Telnyx's authorization server: discovery at `https://api.telnyx.com/.well-known/oauth-authorization-server`. */
export const telnyxIssuer = 'https://api.telnyx.com'

/** What {@link telnyxAuthOptions} takes: the app's client, plus any other `createAuthClient` option. */
export interface TelnyxAuthPresetOptions extends Omit<AuthClientOptions, 'issuer' | 'scope'> {
  /** The public OAuth client's id (`client_type: 'public'`, `require_pkce: true`). */
  clientId: string
  /** Exactly as registered on the client, e.g. `${location.origin}/callback`. */
  redirectUri: string
  /** Space-separated scopes; read `scopes_supported` from discovery rather than guessing. */
  scope: string
  /**
   * An absolute URL of a token endpoint that answers your app's origin, usually a path on your own
   * backend that forwards the form body to `https://api.telnyx.com/v2/oauth/token` and returns the
   * answer unchanged. Shorthand for `endpoints.token`. Whether Telnyx's token endpoint answers
   * browsers' CORS requests is unverified.
   */
  tokenEndpoint?: string
  /** Another authorization server speaking Telnyx's API (the local mock server, a staging host). */
  issuer?: string
}

/**
 * The `createAuthClient` options for signing in with Telnyx: issuer `https://api.telnyx.com`, whose
 * endpoints come from RFC 8414 discovery; the core always uses PKCE with S256.
 *
 * **Token-endpoint proxy.** The browser redirects to Telnyx to sign in, which needs no CORS, but it
 * then POSTs the code to the token endpoint, which does. If Telnyx's token endpoint refuses your
 * origin, give `tokenEndpoint` a path on your own server that forwards the request:
 *
 * ```ts
 * // server (any framework): pass the form body through, nothing added; the client is public,
 * // so there is no secret to attach, and PKCE binds the code to the browser that started the flow.
 * app.post('/oauth/token', async (req, res) => {
 *   const answer = await fetch('https://api.telnyx.com/v2/oauth/token', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
 *     body: new URLSearchParams(req.body),
 *   })
 *   res.status(answer.status).type('application/json').send(await answer.text())
 * })
 * ```
 *
 * Refreshes go through the same endpoint. Discovery and the authorization redirect still go to Telnyx.
 *
 * @example
 * ```ts
 * import { createAuthClient } from '@pkce-auth/core'
 * import { telnyxAuthOptions } from '@pkce-auth/telnyx'
 *
 * const auth = createAuthClient(
 *   telnyxAuthOptions({
 *     clientId: 'your-public-client-id',
 *     redirectUri: `${location.origin}/callback`,
 *     scope: 'admin',
 *     tokenEndpoint: `${location.origin}/oauth/token`, // only with the proxy above
 *   }),
 * )
 * ```
 *
 * @throws {TypeError} when `clientId`, `redirectUri` or `scope` is missing.
 */
export function telnyxAuthOptions(options: TelnyxAuthPresetOptions): AuthClientOptions {
  for (const name of ['clientId', 'redirectUri', 'scope'] as const) {
    if (typeof options[name] !== 'string' || options[name] === '') throw new TypeError(`"${name}" must be a non-empty string`)
  }
  const { tokenEndpoint, issuer, endpoints, ...rest } = options
  const token = tokenEndpoint ?? endpoints?.token
  return {
    ...rest,
    issuer: issuer ?? telnyxIssuer,
    ...(endpoints !== undefined || token !== undefined ? { endpoints: { ...endpoints, token } } : {}),
  }
}
