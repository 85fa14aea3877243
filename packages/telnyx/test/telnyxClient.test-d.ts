import type { AuthClient, AuthClientOptions } from '@pkce-auth/core'
import { createTelnyxClient, telnyxAuthOptions } from '@pkce-auth/telnyx'
import type { OAuthClient, Page, TelnyxClient, TelnyxResponse, TokenSource } from '@pkce-auth/telnyx'
import { describe, expectTypeOf, it } from 'vitest'

declare const telnyx: TelnyxClient

describe('createTelnyxClient', () => {
  it('takes the core AuthClient as its token source', () => {
    expectTypeOf<AuthClient>().toExtend<TokenSource>()
  })

  it('takes exactly one credential', () => {
    // @ts-expect-error: an API key and a token source at once are contradictory
    createTelnyxClient({ apiKey: 'key', getAccessToken: () => 'token' })
    expectTypeOf(createTelnyxClient).toBeCallableWith({ apiKey: 'key' })
    expectTypeOf(createTelnyxClient).toBeCallableWith({})
  })
})

describe('TelnyxClient', () => {
  it('resolves to typed results and exposes the response on demand', () => {
    expectTypeOf(telnyx.oauthClients.get('id')).resolves.toEqualTypeOf<OAuthClient>()
    expectTypeOf(telnyx.oauthClients.list()).resolves.toEqualTypeOf<Page<OAuthClient>>()
    expectTypeOf(telnyx.oauthClients.delete('id')).resolves.toBeVoid()
    expectTypeOf(telnyx.oauthClients.get('id').withResponse()).resolves.toEqualTypeOf<TelnyxResponse<OAuthClient>>()
  })

  it('requires the fields of each grant type', () => {
    // @ts-expect-error: an authorization_code exchange needs the code and the redirect URI
    void telnyx.oauth.token({ grantType: 'authorization_code' })
    // @ts-expect-error: a refresh needs the refresh token
    void telnyx.oauth.token({ grantType: 'refresh_token' })
    expectTypeOf(telnyx.oauth.token).toBeCallableWith({ grantType: 'client_credentials', scope: 'admin' })
  })
})

describe('telnyxAuthOptions', () => {
  it('returns createAuthClient options', () => {
    expectTypeOf(telnyxAuthOptions).returns.toEqualTypeOf<AuthClientOptions>()
  })
})
