import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { dpopAlgorithms } from '../dpopProof'
import { accessTokenAudience } from '../tokenIssuer'
import { supportedScopes } from '../serverContext'
import type { ServerContext } from '../serverContext'

/**
 * RFC 8414 metadata at the root (as Telnyx serves it), RFC 9728 protected-resource metadata and the JWKS.
 * `/.well-known/openid-configuration` is deliberately absent: Telnyx has none.
 */
export function discoveryRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.get('/.well-known/oauth-authorization-server', (c) => {
    const issuer = c.get('issuer')
    return c.json({
      issuer,
      authorization_endpoint: `${issuer}/v2/oauth/authorize`,
      token_endpoint: `${issuer}/v2/oauth/token`,
      introspection_endpoint: `${issuer}/v2/oauth/introspect`,
      revocation_endpoint: `${issuer}/v2/oauth/revoke`,
      jwks_uri: `${issuer}/v2/oauth/jwks`,
      registration_endpoint: `${issuer}/v2/oauth/register`,
      scopes_supported: supportedScopes(server),
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      code_challenge_methods_supported: ['plain', 'S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      // ID tokens are ES256; without this oauth4webapi would expect RS256.
      id_token_signing_alg_values_supported: ['ES256'],
      ...(server.config.issParameter ? { authorization_response_iss_parameter_supported: true } : {}),
      // RFC 9449 §5.1: only when DPoP is on (Telnyx advertises none).
      ...(server.dpop ? { dpop_signing_alg_values_supported: dpopAlgorithms } : {}),
    })
  })

  app.get('/.well-known/oauth-protected-resource', (c) => {
    const issuer = c.get('issuer')
    return c.json({ resource: issuer, authorization_servers: [issuer] })
  })

  // RFC 9728 §3.1: the metadata of the resource `${issuer}/v2`, the audience of our access tokens.
  app.get('/.well-known/oauth-protected-resource/v2', (c) => {
    const issuer = c.get('issuer')
    return c.json({
      resource: accessTokenAudience(issuer),
      authorization_servers: [issuer],
      scopes_supported: supportedScopes(server),
      bearer_methods_supported: ['header'],
      ...(server.dpop ? { dpop_signing_alg_values_supported: dpopAlgorithms } : {}),
    })
  })

  app.get('/v2/oauth/jwks', async (c) => c.json(await server.keys.jwks()))
}
