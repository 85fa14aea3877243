export { createTelnyxClient } from './telnyxClient'
export type { TelnyxClient, TelnyxClientOptions, TelnyxCredentials, TokenSource } from './telnyxClient'
export { telnyxAuthOptions, telnyxIssuer } from './telnyxAuthOptions'
export type { TelnyxAuthPresetOptions } from './telnyxAuthOptions'
export { TelnyxApiError } from './telnyxApiError'
export type { TelnyxErrorDetail, TelnyxRateLimit } from './telnyxApiError'
export { TelnyxNetworkError } from './telnyxNetworkError'
export type { TelnyxNetworkErrorCode } from './telnyxNetworkError'
export { TelnyxPromise } from './telnyxPromise'
export type { TelnyxResponse } from './telnyxPromise'
export type { TelnyxRequestOptions } from './transport'
export type { WellKnownResource } from './wellKnown'
export type { OAuthResource } from './oauth'
export type { OAuthClientsResource } from './oauthClients'
export type { OAuthGrantsResource } from './oauthGrants'
export type {
  AuthorizationServerMetadata,
  ClientCredentials,
  ConsentDetails,
  CreateGrantParams,
  CreateGrantResult,
  GrantType,
  IntrospectParams,
  IntrospectResult,
  Jwk,
  JwkSet,
  OAuthClient,
  OAuthClientCreateParams,
  OAuthClientFilter,
  OAuthClientListParams,
  OAuthClientType,
  OAuthClientUpdateParams,
  OAuthGrant,
  OAuthGrantListParams,
  Page,
  PageParams,
  PaginationMeta,
  ProtectedResourceMetadata,
  RegisterClientParams,
  RegisteredClient,
  RequestedScope,
  TokenClientAuth,
  TokenEndpointAuthMethod,
  TokenParams,
  TokenResult,
} from './telnyxTypes'
