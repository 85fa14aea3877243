import type { TelnyxPromise } from './telnyxPromise'
import type {
  ConsentDetails,
  CreateGrantParams,
  CreateGrantResult,
  IntrospectParams,
  IntrospectResult,
  JwkSet,
  RegisterClientParams,
  RegisteredClient,
  TokenParams,
  TokenResult,
} from './telnyxTypes'
import type { RequestAuth, Transport, TelnyxRequestOptions } from './transport'
import { parseBody, parseData, pathParam } from './resourceHelpers'

/** The OAuth protocol endpoints under `/v2/oauth`. */
export interface OAuthResource {
  /**
   * `GET /oauth/consent/{consent_token}`: what a consent token asks for. Telnyx's own consent page
   * calls this with the signed-in user's credentials; a third-party app rarely needs it.
   */
  getConsent(consentToken: string, options?: TelnyxRequestOptions): TelnyxPromise<ConsentDetails>
  /** `POST /oauth/grants`: records the user's consent decision; resolves to where the user goes next. */
  createGrant(params: CreateGrantParams, options?: TelnyxRequestOptions): TelnyxPromise<CreateGrantResult>
  /**
   * `POST /oauth/introspect` ([RFC 7662](https://www.rfc-editor.org/rfc/rfc7662)), form-encoded.
   * Authenticates with `params.clientAuth` (HTTP Basic) when given, else with the client's bearer.
   */
  introspect(params: IntrospectParams, options?: TelnyxRequestOptions): TelnyxPromise<IntrospectResult>
  /** `GET /oauth/jwks`: the keys that sign Telnyx tokens, verbatim (JWK member names are not converted). */
  getJwks(options?: TelnyxRequestOptions): TelnyxPromise<JwkSet>
  /**
   * `POST /oauth/register` ([RFC 7591](https://www.rfc-editor.org/rfc/rfc7591)), JSON, no credentials.
   * A browser app registers with `tokenEndpointAuthMethod: 'none'`.
   */
  register(params: RegisterClientParams, options?: TelnyxRequestOptions): TelnyxPromise<RegisteredClient>
  /**
   * `POST /oauth/token` ([RFC 6749 §4](https://www.rfc-editor.org/rfc/rfc6749#section-4)), form-encoded,
   * never with the client's bearer: the client authenticates as {@link TokenClientAuth} describes.
   */
  token(params: TokenParams, options?: TelnyxRequestOptions): TelnyxPromise<TokenResult>
}

/** Splits the client credentials off token parameters: into a Basic header, or left in the body. */
function tokenClientAuth(params: TokenParams): { form: object; auth: RequestAuth } {
  const { clientId, clientSecret, authMethod, ...grant } = params
  if (clientSecret === undefined || authMethod === 'client_secret_post') {
    return { form: { ...grant, clientId, clientSecret }, auth: 'none' }
  }
  if (!clientId) throw new TypeError('"clientId" is required with "clientSecret"')
  return { form: grant, auth: { basic: { username: clientId, password: clientSecret } } }
}

/** The key set verbatim (JWK member names are standard, not converted), once it is one. */
function parseJwks(raw: unknown): JwkSet {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { keys?: unknown }).keys)) {
    throw new TypeError('the response has no "keys" list')
  }
  return raw as JwkSet
}

/** Builds the `oauth` namespace over a transport. */
export function createOAuthResource(send: Transport): OAuthResource {
  return {
    getConsent: (consentToken, options) =>
      send({
        method: 'GET',
        path: `/oauth/consent/${pathParam(consentToken, 'consentToken')}`,
        auth: 'bearer',
        parse: parseData<ConsentDetails>,
        options,
      }),
    createGrant: (params, options) =>
      send({
        method: 'POST',
        path: '/oauth/grants',
        json: { allowed: params.allowed, consentToken: params.consentToken },
        auth: 'bearer',
        parse: parseBody<CreateGrantResult>,
        options,
      }),
    introspect: ({ token, clientAuth }, options) =>
      send({
        method: 'POST',
        path: '/oauth/introspect',
        form: { token },
        auth: clientAuth ? { basic: { username: clientAuth.clientId, password: clientAuth.clientSecret } } : 'bearer',
        // A read: asking twice changes nothing.
        idempotent: true,
        parse: parseBody<IntrospectResult>,
        options,
      }),
    getJwks: (options) =>
      send({ method: 'GET', path: '/oauth/jwks', auth: 'none', parse: parseJwks, options }),
    register: (params, options) =>
      send({ method: 'POST', path: '/oauth/register', json: params, auth: 'none', parse: parseBody<RegisteredClient>, options }),
    token: (params, options) => {
      const { form, auth } = tokenClientAuth(params)
      return send({
        method: 'POST',
        path: '/oauth/token',
        form,
        auth,
        // A code is good for one exchange and a rotated refresh token for one refresh: a second copy of
        // a request the server already acted on is refused, and may make it revoke the tokens issued.
        idempotent: params.grantType === 'client_credentials',
        parse: parseBody<TokenResult>,
        options,
      })
    },
  }
}
