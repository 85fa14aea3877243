import { readFileSync } from 'node:fs'
import { createAuthClient } from '@pkce-auth/core'
import { createMockServer } from '@pkce-auth/mock-server'
import { createTelnyxClient, telnyxAuthOptions } from '@pkce-auth/telnyx'
import { describe, expect, it, vi } from 'vitest'

const issuer = 'http://127.0.0.1:4000'
const redirectUri = 'http://127.0.0.1:5173/callback'

/** The `scope` the README's "Quick start: Telnyx" passes to `telnyxAuthOptions`. */
function quickStartScope() {
  // Vitest runs from the repository's root (in happy-dom, import.meta.url is no file URL).
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.split('## Quick start: Telnyx')[1]!.split('\n## ')[0]!
  return section.match(/scope: '([^']*)'/)![1]!
}

describe("the README's Telnyx quick start", () => {
  it('asks for a scope the mock server grants, and its calls succeed with it', async () => {
    const mock = createMockServer({ autoApprove: true, clients: [{ clientId: 'quick-start', redirectUris: [redirectUri] }] })
    const fetch = (input: RequestInfo | URL, init?: RequestInit) => mock.fetch(new Request(input, init))
    const navigate = vi.fn<(url: string) => void>()
    const scope = quickStartScope()
    // As the README says to run it against the local mock server: its issuer, the rest as written.
    const auth = createAuthClient(
      telnyxAuthOptions({ clientId: 'quick-start', redirectUri, scope, issuer, storage: 'memory', fetch, navigate }),
    )

    await auth.signIn()
    const approval = await mock.fetch(new Request(navigate.mock.lastCall![0]))
    await auth.handleRedirect(new URL(approval.headers.get('location')!, issuer).href)

    expect(auth.getState()).toMatchObject({ status: 'signedIn', scope })
    const telnyx = createTelnyxClient({ auth }, { baseUrl: `${issuer}/v2`, fetch })
    const grants = []
    for await (const grant of telnyx.oauthGrants.listAutoPaging()) grants.push(grant)
    expect(grants).toEqual([expect.objectContaining({ clientId: 'quick-start' })])
    await expect(telnyx.oauthClients.list()).resolves.toMatchObject({ data: expect.any(Array) })
    auth.dispose()
  })
})
