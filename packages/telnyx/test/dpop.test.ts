import { dpop } from '@pkce-auth/core/dpop'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import { decodeJwt } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTestClient, TEST_ISSUER } from '../../../test/helpers/createTestClient'

/** A client signed in with DPoP to the mock (DPoP on), and a Telnyx client over it that records what it sends. */
async function signedInWithDpop() {
  const test = createTestClient({ plugins: [dpop()], server: { dpop: true } })
  await test.signIn()
  const sent: Request[] = []
  const fetch = async (input: string, init: RequestInit) => {
    const request = new Request(input, init)
    sent.push(request.clone())
    return test.mock.fetch(request)
  }
  return { ...test, telnyx: createTelnyxClient({ auth: test.auth }, { baseUrl: `${TEST_ISSUER}/v2`, fetch }), sent }
}

describe('createTelnyxClient with a DPoP-bound session', () => {
  it('sends each request with the headers auth.getAuthorizationHeaders makes: DPoP and a proof for it', async () => {
    const { telnyx, sent, auth } = await signedInWithDpop()
    const grants = await telnyx.oauthGrants.list({ page: { number: 1 } })
    expect(grants.data).toHaveLength(1)
    const [request] = sent
    expect(request!.headers.get('authorization')).toBe(`DPoP ${await auth.getAccessToken()}`)
    expect(decodeJwt(request!.headers.get('dpop')!)).toMatchObject({ htm: 'GET', htu: `${TEST_ISSUER}/v2/oauth_grants` })
  })

  it('refreshes once after a 401 refusing the token, and the retry carries a proof for the new token', async () => {
    const { telnyx, sent, auth, mock, clientId } = await signedInWithDpop()
    const refused = await auth.getAccessToken()
    await mock.fetch(`${TEST_ISSUER}/v2/oauth/revoke`, { method: 'POST', body: new URLSearchParams({ token: refused, client_id: clientId }) })
    await telnyx.oauthGrants.list()
    expect(sent).toHaveLength(2)
    const retried = sent[1]!.headers.get('authorization')!
    expect(retried).not.toBe(`DPoP ${refused}`)
    expect(retried).toBe(`DPoP ${await auth.getAccessToken()}`)
  })
})
