import type { Hono } from 'hono'
import type { AppEnv } from '../appEnv'
import { oauthError } from '../errors'
import { defaultScopes } from '../mockServerOptions'
import type { GrantType } from '../mockServerOptions'
import { epochSeconds, randomUuid } from '../randomToken'
import { readJsonObject } from '../requestParams'
import type { ServerContext } from '../serverContext'
import { isWebUrl, redirectUrisProblems, scopeTokenPattern, stringArrayProblem } from '../validation'

/** Dynamically registered clients kept at once: registration is anonymous, so it is bounded. */
export const maxRegisteredClients = 1000

const grantTypeValues: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials']
const authMethods = ['none', 'client_secret_basic', 'client_secret_post']

/**
 * `POST /v2/oauth/register`: RFC 7591 dynamic registration, JSON only. Errors are 400
 * `invalid_client_metadata` with Telnyx's `invalid_fields: { field: [message] }`. Unknown metadata is
 * ignored (RFC 7591 §2). `token_endpoint_auth_method: none` registers a public client (PKCE required).
 * Registration grants no privilege: the client belongs to no user, so its client-credentials tokens act
 * for no user and never carry `admin`. It is rate-limited (one window for everybody) and capped.
 */
export function registrationRoutes(app: Hono<AppEnv>, server: ServerContext) {
  app.post('/v2/oauth/register', async (c) => {
    const limited = server.registrationLimiter.limit(c, 'register')
    if (limited) return limited
    const body = readJsonObject(c)
    if (!body.ok) return oauthError(c, 400, 'invalid_client_metadata', body.description, { invalid_fields: {} })
    const input = body.value
    const invalid: Record<string, string[]> = {}
    const problem = (field: string, message: string) => {
      ;(invalid[field] ??= []).push(message)
    }

    const grantTypes = (input.grant_types ?? ['authorization_code']) as GrantType[]
    const grantProblem = stringArrayProblem(grantTypes, grantTypeValues)
    if (grantProblem) problem('grant_types', grantProblem)
    else if (grantTypes.length === 0) problem('grant_types', 'must not be empty')
    const responseTypes = (input.response_types ?? ['code']) as string[]
    const responseProblem = stringArrayProblem(responseTypes, ['code'])
    if (responseProblem) problem('response_types', responseProblem)
    const authMethod = input.token_endpoint_auth_method ?? 'client_secret_basic'
    if (typeof authMethod !== 'string' || !authMethods.includes(authMethod)) {
      problem('token_endpoint_auth_method', `must be one of ${authMethods.join(', ')}`)
    }
    const redirectUris = (input.redirect_uris ?? []) as string[]
    const redirectProblems = redirectUrisProblems(redirectUris)
    for (const message of redirectProblems) problem('redirect_uris', message)
    if (redirectProblems.length === 0 && !grantProblem && grantTypes.includes('authorization_code') && redirectUris.length === 0) {
      problem('redirect_uris', 'is required for the authorization_code grant')
    }
    if (
      input.client_name !== undefined &&
      (typeof input.client_name !== 'string' || input.client_name.trim() === '' || input.client_name.length > 255)
    ) {
      problem('client_name', 'must be a non-empty string of at most 255 characters')
    }
    let scopes = [...defaultScopes]
    if (input.scope !== undefined) {
      if (typeof input.scope !== 'string') problem('scope', 'must be a space-separated string')
      else {
        scopes = [...new Set(input.scope.split(' ').filter(Boolean))]
        if (scopes.length === 0 || scopes.length > 50 || !scopes.every((scope) => scopeTokenPattern.test(scope) && scope.length <= 100)) {
          problem('scope', 'must list at least one valid scope')
        }
      }
    }
    for (const field of ['logo_uri', 'policy_uri', 'tos_uri']) {
      if (input[field] !== undefined && !isWebUrl(input[field])) problem(field, 'must be an absolute http(s) URL')
    }
    if (authMethod === 'none' && !grantProblem && grantTypes.includes('client_credentials')) {
      problem('grant_types', 'client_credentials needs a confidential client (not token_endpoint_auth_method none)')
    }
    if (Object.keys(invalid).length > 0) {
      return oauthError(c, 400, 'invalid_client_metadata', 'The client metadata is invalid', { invalid_fields: invalid })
    }

    if (server.clients.list().filter((client) => client.userId === null).length >= maxRegisteredClients) {
      return oauthError(c, 400, 'invalid_client_metadata', `The server holds the most registered clients it keeps (${maxRegisteredClients})`, {
        invalid_fields: {},
      })
    }
    const isPublic = authMethod === 'none'
    const client = server.clients.add({
      userId: null,
      clientId: randomUuid(),
      name: (input.client_name as string | undefined) ?? 'Unnamed client',
      clientType: isPublic ? 'public' : 'confidential',
      redirectUris,
      allowedScopes: scopes,
      allowedGrantTypes: grantTypes,
      requirePkce: isPublic,
      ...(input.logo_uri === undefined ? {} : { logoUri: input.logo_uri as string }),
      ...(input.policy_uri === undefined ? {} : { policyUri: input.policy_uri as string }),
      ...(input.tos_uri === undefined ? {} : { tosUri: input.tos_uri as string }),
    })
    c.header('Cache-Control', 'no-store')
    return c.json(
      {
        client_id: client.clientId,
        client_id_issued_at: epochSeconds(Date.parse(client.createdAt)),
        ...(client.clientSecret === null ? {} : { client_secret: client.clientSecret, client_secret_expires_at: 0 }),
        client_name: client.name,
        redirect_uris: client.redirectUris,
        grant_types: client.allowedGrantTypes,
        response_types: responseTypes,
        scope: client.allowedScopes.join(' '),
        token_endpoint_auth_method: authMethod,
        ...(client.logoUri === null ? {} : { logo_uri: client.logoUri }),
        ...(client.policyUri === null ? {} : { policy_uri: client.policyUri }),
        ...(client.tosUri === null ? {} : { tos_uri: client.tosUri }),
      },
      201,
    )
  })
}
