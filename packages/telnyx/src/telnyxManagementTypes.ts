// The management API's shapes (/v2/oauth_clients, /v2/oauth_grants) and their pagination, as the client returns them.
import type { GrantType } from './telnyxTypes'

/** Pagination facts of a list response; every member is optional on the wire. */
export interface PaginationMeta {
  pageNumber?: number
  pageSize?: number
  totalPages?: number
  totalResults?: number
}

/** One page of a list: `{ data, meta }`. */
export interface Page<T> {
  data: T[]
  meta: PaginationMeta
}

/** Which page to fetch: 1-based `number`, `size` between 1 and 100 (Telnyx's default is 20). */
export interface PageParams {
  number?: number
  size?: number
}

/** Public or confidential: a browser app is always `public`. */
export type OAuthClientType = 'public' | 'confidential'

/** An OAuth client of the Telnyx account (`/oauth_clients`). */
export interface OAuthClient {
  recordType: 'oauth_client'
  clientId: string
  name: string
  orgId: string
  userId: string
  clientType: OAuthClientType
  requirePkce: boolean
  /** ISO 8601 date-time. */
  createdAt: string
  /** ISO 8601 date-time. */
  updatedAt: string
  allowedGrantTypes?: GrantType[]
  allowedScopes?: string[]
  redirectUris?: string[]
  /** Only included when available (right after creating a confidential client). */
  clientSecret?: string | null
  logoUri?: string | null
  policyUri?: string | null
  tosUri?: string | null
}

/** Filters of `oauthClients.list`. */
export interface OAuthClientFilter {
  clientType?: OAuthClientType
  verified?: boolean
  /** `filter[allowed_grant_types][contains]`. */
  allowedGrantTypes?: { contains: GrantType }
  /** An exact name, or `{ contains }` for a substring match. */
  name?: string | { contains: string }
  clientId?: string
}

/** Parameters of `oauthClients.list`. */
export interface OAuthClientListParams {
  page?: PageParams
  filter?: OAuthClientFilter
}

/** Parameters of `oauthClients.create`. */
export interface OAuthClientCreateParams {
  name: string
  allowedScopes: string[]
  clientType: OAuthClientType
  allowedGrantTypes: GrantType[]
  redirectUris?: string[]
  /** Telnyx defaults to `false`: set it for any public client. */
  requirePkce?: boolean
  logoUri?: string
  policyUri?: string
  tosUri?: string
}

/** Parameters of `oauthClients.update`: only the members given change. */
export type OAuthClientUpdateParams = Partial<Omit<OAuthClientCreateParams, 'clientType'>>

/** A user's authorization of a client (`/oauth_grants`); deleting it revokes the client's access. */
export interface OAuthGrant {
  recordType: 'oauth_grant'
  id: string
  clientId: string
  scopes: string[]
  /** ISO 8601 date-time. */
  createdAt: string
  /** ISO 8601 date-time, `null` when never used. */
  lastUsedAt?: string | null
}

/** Parameters of `oauthGrants.list`. */
export interface OAuthGrantListParams {
  page?: PageParams
}
