import { autoPage, parsePage } from './pagination'
import type { TelnyxPromise } from './telnyxPromise'
import type { OAuthGrant, OAuthGrantListParams, Page } from './telnyxTypes'
import type { Transport, TelnyxRequestOptions } from './transport'
import { parseData, pathParam } from './resourceHelpers'

/** The user's grants to OAuth clients, `/v2/oauth_grants` (bearer required). */
export interface OAuthGrantsResource {
  /** `GET /oauth_grants`: one page. */
  list(params?: OAuthGrantListParams, options?: TelnyxRequestOptions): TelnyxPromise<Page<OAuthGrant>>
  /** Every grant from `params.page.number` (default 1) on, fetching pages as the loop advances. */
  listAutoPaging(params?: OAuthGrantListParams, options?: TelnyxRequestOptions): AsyncGenerator<OAuthGrant, void, undefined>
  /** `GET /oauth_grants/{id}`. */
  get(id: string, options?: TelnyxRequestOptions): TelnyxPromise<OAuthGrant>
  /**
   * `DELETE /oauth_grants/{id}`: revokes the grant, and with it the client's tokens; resolves to the
   * revoked grant. Telnyx has no RFC 7009 revocation endpoint: this is its only revocation.
   */
  delete(id: string, options?: TelnyxRequestOptions): TelnyxPromise<OAuthGrant>
}

/** Builds the `oauthGrants` namespace over a transport. */
export function createOAuthGrantsResource(send: Transport): OAuthGrantsResource {
  const list = (params: OAuthGrantListParams = {}, options?: TelnyxRequestOptions) =>
    send({ method: 'GET', path: '/oauth_grants', query: params, auth: 'bearer', parse: parsePage<OAuthGrant>, options })

  return {
    list,
    listAutoPaging: (params = {}, options) =>
      autoPage(params.page?.number ?? 1, (number) => list({ ...params, page: { ...params.page, number } }, options)),
    get: (id, options) =>
      send({ method: 'GET', path: `/oauth_grants/${pathParam(id, 'id')}`, auth: 'bearer', parse: parseData<OAuthGrant>, options }),
    delete: (id, options) =>
      send({ method: 'DELETE', path: `/oauth_grants/${pathParam(id, 'id')}`, auth: 'bearer', parse: parseData<OAuthGrant>, options }),
  }
}
