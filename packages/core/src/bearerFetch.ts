import type { AuthPlugin } from './plugins'
import type { AuthClient } from './types'

/**
 * `fetch` with the headers `getAuthorizationHeaders` gives (`Authorization: Bearer` by default). A 401
 * whose challenge says `invalid_token` (RFC 6750 §3.1: revoked, or expired early), or that has no
 * challenge or a Bearer one without an error code, is retried once with a refreshed token, one
 * refresh for all the calls refused with the same token; any other response is returned as it is.
 *
 * @see [RFC 6750 - Bearer Token Usage](https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1)
 */
export const bearerFetch = (
  authorize: AuthClient['getAuthorizationHeaders'],
  fetchFn: (request: Request) => Promise<Response>,
  retry?: AuthPlugin['retry'],
) =>
  async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const target = { method: request.method, url: request.url }
    const send = (headers: Record<string, string>) => {
      // A clone per attempt keeps the body replayable.
      const attempt = request.clone()
      for (const [name, value] of Object.entries(headers)) attempt.headers.set(name, value)
      return fetchFn(attempt)
    }
    const sent = await authorize(target)
    let response = await send(sent)
    // Once at most (a DPoP nonce the server asked for): a second refusal is the answer.
    if (retry?.(response, target)) response = await send(await authorize(target))
    // Refused: the challenge says `invalid_token`, or there is none, or a Bearer one without an error
    // code (Telnyx documents no challenge on its 401s). Another error or scheme is not about the token.
    const challenge = response.headers.get('www-authenticate') ?? ''
    if (response.status !== 401 || !/invalid_token|^\s*(bearer\b(?![\s\S]*\berror\s*=)|$)/i.test(challenge)) return response
    // Another call refused with the same token may have renewed it already: then that one will do.
    const current = await authorize(target)
    return send(current.authorization !== sent.authorization ? current : await authorize(target, { forceRefresh: true }))
  }
