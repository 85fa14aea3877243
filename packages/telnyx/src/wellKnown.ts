import type { TelnyxPromise } from './telnyxPromise'
import type { AuthorizationServerMetadata, ProtectedResourceMetadata } from './telnyxTypes'
import type { Transport, TelnyxRequestOptions } from './transport'
import { parseBody } from './resourceHelpers'

/**
 * The discovery documents. They live at the host root (`https://api.telnyx.com/.well-known/...`), not
 * under `/v2`, and are fetched without credentials.
 */
export interface WellKnownResource {
  /** `GET /.well-known/oauth-authorization-server` ([RFC 8414](https://www.rfc-editor.org/rfc/rfc8414)). */
  getAuthorizationServerMetadata(options?: TelnyxRequestOptions): TelnyxPromise<AuthorizationServerMetadata>
  /** `GET /.well-known/oauth-protected-resource` ([RFC 9728](https://www.rfc-editor.org/rfc/rfc9728)). */
  getProtectedResourceMetadata(options?: TelnyxRequestOptions): TelnyxPromise<ProtectedResourceMetadata>
}

/** Builds the `wellKnown` namespace over a transport. */
export function createWellKnownResource(send: Transport): WellKnownResource {
  return {
    getAuthorizationServerMetadata: (options) =>
      send({
        method: 'GET',
        base: 'wellKnown',
        path: '/.well-known/oauth-authorization-server',
        auth: 'none',
        parse: parseBody<AuthorizationServerMetadata>,
        options,
      }),
    getProtectedResourceMetadata: (options) =>
      send({
        method: 'GET',
        base: 'wellKnown',
        path: '/.well-known/oauth-protected-resource',
        auth: 'none',
        parse: parseBody<ProtectedResourceMetadata>,
        options,
      }),
  }
}
