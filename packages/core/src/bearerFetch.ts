import type { GetAccessTokenOptions } from './types'

/**
 * `fetch` with `Authorization: Bearer` and the token from `getAccessToken`. A 401 whose challenge
 * says `invalid_token` (RFC 6750 §3.1: revoked, or expired early) is retried once with a refreshed
 * token; any other response is returned as it is.
 *
 * @see [RFC 6750 - Bearer Token Usage](https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1)
 */
export const bearerFetch = (
  getAccessToken: (options: GetAccessTokenOptions) => Promise<string>,
  fetchFn: (request: Request) => Promise<Response>,
) =>
  async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const send = async (forceRefresh?: boolean) => {
      // A clone per attempt keeps the body replayable.
      const attempt = request.clone()
      attempt.headers.set('authorization', `Bearer ${await getAccessToken({ forceRefresh })}`)
      return fetchFn(attempt)
    }
    const response = await send()
    return response.status === 401 && /invalid_token/.test(response.headers.get('www-authenticate')!)
      ? send(true)
      : response
  }
