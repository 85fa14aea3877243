import { autoPage, parsePage } from './pagination'
import type { TelnyxPromise } from './telnyxPromise'
import type {
  OAuthClient,
  OAuthClientCreateParams,
  OAuthClientListParams,
  OAuthClientUpdateParams,
  Page,
} from './telnyxTypes'
import type { Transport, TelnyxRequestOptions } from './transport'
import { parseData, pathParam } from './resourceHelpers'

/** The account's OAuth clients, `/v2/oauth_clients` (bearer required). */
export interface OAuthClientsResource {
  /** `GET /oauth_clients`: one page (`page[number]`, `page[size]`, `filter[...]`). */
  list(params?: OAuthClientListParams, options?: TelnyxRequestOptions): TelnyxPromise<Page<OAuthClient>>
  /**
   * Every client from `params.page.number` (default 1) on, fetching pages as the loop advances.
   *
   * @example
   * ```ts
   * for await (const client of telnyx.oauthClients.listAutoPaging({ filter: { clientType: 'public' } })) {
   *   console.log(client.name)
   * }
   * ```
   */
  listAutoPaging(params?: OAuthClientListParams, options?: TelnyxRequestOptions): AsyncGenerator<OAuthClient, void, undefined>
  /** `POST /oauth_clients`. Set `requirePkce: true` for a public client: Telnyx defaults it to `false`. */
  create(params: OAuthClientCreateParams, options?: TelnyxRequestOptions): TelnyxPromise<OAuthClient>
  /** `GET /oauth_clients/{id}`. */
  get(id: string, options?: TelnyxRequestOptions): TelnyxPromise<OAuthClient>
  /** `PUT /oauth_clients/{id}`: only the members given change. */
  update(id: string, params: OAuthClientUpdateParams, options?: TelnyxRequestOptions): TelnyxPromise<OAuthClient>
  /** `DELETE /oauth_clients/{id}`: resolves to nothing once the server answers 204. */
  delete(id: string, options?: TelnyxRequestOptions): TelnyxPromise<void>
}

/** Builds the `oauthClients` namespace over a transport. */
export function createOAuthClientsResource(send: Transport): OAuthClientsResource {
  const list = (params: OAuthClientListParams = {}, options?: TelnyxRequestOptions) =>
    send({ method: 'GET', path: '/oauth_clients', query: params, auth: 'bearer', parse: parsePage<OAuthClient>, options })

  return {
    list,
    listAutoPaging: (params = {}, options) =>
      autoPage(params.page?.number ?? 1, (number) => list({ ...params, page: { ...params.page, number } }, options)),
    create: (params, options) =>
      send({ method: 'POST', path: '/oauth_clients', json: params, auth: 'bearer', parse: parseData<OAuthClient>, options }),
    get: (id, options) =>
      send({ method: 'GET', path: `/oauth_clients/${pathParam(id, 'id')}`, auth: 'bearer', parse: parseData<OAuthClient>, options }),
    update: (id, params, options) =>
      send({
        method: 'PUT',
        path: `/oauth_clients/${pathParam(id, 'id')}`,
        json: params,
        auth: 'bearer',
        parse: parseData<OAuthClient>,
        options,
      }),
    delete: (id, options) =>
      send({ method: 'DELETE', path: `/oauth_clients/${pathParam(id, 'id')}`, auth: 'bearer', parse: () => undefined, options }),
  }
}
