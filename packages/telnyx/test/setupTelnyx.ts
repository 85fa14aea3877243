import { createMockServer } from '@pkce-auth/mock-server'
import type { MockServerOptions } from '@pkce-auth/mock-server'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import type { TelnyxClientOptions, TelnyxCredentials } from '@pkce-auth/telnyx'

/** The API base the tests address; the in-process mock answers any origin. */
export const baseUrl = 'https://api.test/v2'

/** A public client (the SPA) and a confidential one (for client credentials), both owned by the default user. */
export const appClient = { clientId: 'spa', redirectUris: ['https://app.test/callback'] }
export const serviceClient = {
  clientId: 'service',
  clientType: 'confidential' as const,
  clientSecret: 'service-secret',
  redirectUris: ['https://service.test/callback'],
}

/** One request as the client handed it to `fetch`. */
export interface SentRequest {
  method: string
  url: string
  headers: Headers
  body: string | undefined
}

/**
 * A fresh mock server and a client wired to it in-process. `sent` records what the client handed to
 * `fetch` (headers and bodies, which the mock's request log does not keep).
 */
export async function setupTelnyx(
  {
    server,
    credentials,
    options,
  }: { server?: MockServerOptions; credentials?: TelnyxCredentials | 'userToken'; options?: TelnyxClientOptions } = {},
) {
  const mock = createMockServer({ clients: [appClient, serviceClient], ...server })
  const sent: SentRequest[] = []
  const fetch = async (input: string, init: RequestInit) => {
    const request = new Request(input, init)
    sent.push({
      method: request.method,
      url: request.url,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    })
    return mock.fetch(request)
  }
  const userToken = await mock.issueAccessToken({ clientId: appClient.clientId, scope: 'admin' })
  const telnyx = createTelnyxClient(credentials === 'userToken' || credentials === undefined ? { apiKey: userToken } : credentials, {
    baseUrl,
    fetch,
    ...options,
  })
  return { mock, telnyx, fetch, sent, userToken }
}

/**
 * A client acting as the person on the consent page: it carries the page's portal session, the only
 * credential the mock accepts for `oauth.getConsent` and `oauth.createGrant` (no app's token can decide).
 */
export async function personClient(fetch: (input: string, init: RequestInit) => Promise<Response>, consentToken: string) {
  const page = await fetch(`${baseUrl}/oauth/consent-page?consent_token=${encodeURIComponent(consentToken)}`, {})
  const session = /<meta name="portal-token" content="([^"]+)">/.exec(await page.text())?.[1]
  if (!session) throw new Error(`no portal session on the consent page (${page.status})`)
  return createTelnyxClient({ apiKey: session }, { baseUrl, fetch })
}
