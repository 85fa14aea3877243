import type { AuthPlugin } from './plugins'
import { hook } from './plugins'
import type { AuthClient, GetAccessTokenOptions } from './types'

/**
 * `getAuthorizationHeaders` and `fetch` over a token source (the session's, or one API's): the headers
 * come from the add-on's `request` hook (DPoP) or are `Authorization: Bearer`. `fetch`: a 401 whose
 * challenge says `invalid_token` (RFC 6750 §3.1: revoked, or expired early), or that has no challenge
 * or a Bearer one without an error code, is retried once with a refreshed token, one refresh for all
 * the calls refused with the same token; any other response is returned as it is.
 *
 * @see [RFC 6750 - Bearer Token Usage](https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1)
 */
export function bearerFetch(
  token: (options?: GetAccessTokenOptions) => Promise<string>,
  plugins: readonly AuthPlugin[],
  fetchFn: (request: Request) => Promise<Response>,
): Pick<AuthClient, 'getAuthorizationHeaders' | 'fetch'> {
  const request: NonNullable<AuthPlugin['request']> = hook(plugins, 'request') ?? ((token, _, send) => send({ authorization: `Bearer ${token}` }))
  return {
    async getAuthorizationHeaders({ method = 'GET', url }, options) {
      let headers: Record<string, string> = {}
      // The request the add-on would send, stopped before the network: the same headers, nothing sent.
      await request(await token(options), { method, url: String(url) }, async (sent) => ((headers = sent), new Response()))
      return headers
    },
    async fetch(input, init) {
      const original = new Request(input, init)
      const target = { method: original.method, url: original.url }
      const send = (token: string) =>
        request(token, target, (headers) => {
          // A clone per attempt keeps the body replayable.
          const attempt = original.clone()
          for (const [name, value] of Object.entries(headers)) attempt.headers.set(name, value)
          return fetchFn(attempt)
        })
      const sent = await token()
      const response = await send(sent)
      // Refused: the challenge says `invalid_token`, or there is none, or a Bearer one without an error
      // code (Telnyx documents no challenge on its 401s). Another error or scheme is not about the token.
      const challenge = response.headers.get('www-authenticate') ?? ''
      if (response.status !== 401 || !/invalid_token|^\s*(bearer\b(?![\s\S]*\berror\s*=)|$)/i.test(challenge)) return response
      // Another call refused with the same token may have renewed it already: then that one will do.
      const current = await token()
      return send(current !== sent ? current : await token({ forceRefresh: true }))
    },
  }
}
