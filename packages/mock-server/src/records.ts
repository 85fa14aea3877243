import type { MockClient } from './clientStore'
import type { MockGrant } from './grantStore'

/** The organisation every mock user belongs to. */
export const mockOrgId = 'org_mock'

/** A client as Telnyx's `OAuthClient` JSON; the secret only when `withSecret` (on creation). */
export function clientRecord(client: MockClient, withSecret = false) {
  return {
    record_type: 'oauth_client' as const,
    id: client.id,
    client_id: client.clientId,
    client_secret: withSecret ? client.clientSecret : null,
    name: client.name,
    client_type: client.clientType,
    allowed_scopes: client.allowedScopes,
    allowed_grant_types: client.allowedGrantTypes,
    redirect_uris: client.redirectUris,
    require_pkce: client.requirePkce,
    logo_uri: client.logoUri,
    policy_uri: client.policyUri,
    tos_uri: client.tosUri,
    verified: client.verified,
    org_id: mockOrgId,
    user_id: client.userId,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  }
}

/** A grant as Telnyx's `OAuthGrant` JSON. */
export function grantRecord(grant: MockGrant) {
  return {
    record_type: 'oauth_grant' as const,
    id: grant.id,
    client_id: grant.clientId,
    scopes: grant.scopes,
    created_at: grant.createdAt,
    last_used_at: grant.lastUsedAt,
  }
}
