import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { dpopAlgorithms } from './dpopProof'
import { telnyxErrorBody } from './errors'
import type { ServerContext } from './serverContext'

/** Who a bearer credential speaks for: an OAuth access token of a client, or a Telnyx API key of a user. */
export interface BearerPrincipal {
  kind: 'accessToken' | 'apiKey'
  /** The user it acts for; `undefined` for a client-credentials token of a client no user made. */
  userId: string | undefined
  /** The client an access token was issued to; `undefined` for an API key. */
  clientId: string | undefined
  scopes: string[]
  grantId: string | undefined
  /** The DPoP key an access token is bound to (`cnf.jkt`), if any. */
  jkt?: string | undefined
}

/** The outcome of checking a request's bearer credential. */
export type BearerResult = { ok: true; token: BearerPrincipal } | { ok: false; response: Response }

/** What an endpoint accepts: the scope it needs, and whether a Telnyx API key may call it (with full rights). */
export interface BearerRequirement {
  scope?: string
  apiKey?: boolean
}

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`

/** The RFC 6750 §2.1 `b64token` of an `Authorization: Bearer` (or, with `scheme`, `DPoP`) header, or `undefined`. */
export function bearerCredential(header: string | undefined, scheme = 'Bearer'): string | undefined {
  return header ? new RegExp(`^${scheme} +([A-Za-z0-9\\-._~+/]+=*) *$`, 'i').exec(header)?.[1] : undefined
}

/**
 * Authenticates `Authorization: Bearer` (RFC 6750): an access token whose grant and family are still
 * active, or, where `apiKey` is set, an API key. Counts the request against the caller's rate limit.
 * 401 with a `WWW-Authenticate` challenge when the credential is missing (no error code, RFC 6750 §3.1) or
 * invalid, expired or revoked (`error="invalid_token"`); 403 `insufficient_scope` when `scope` is missing,
 * and 403 for a token that acts for no user.
 */
export async function authenticateBearer(
  c: Context<AppEnv>,
  server: ServerContext,
  { scope, apiKey = false }: BearerRequirement = {},
): Promise<BearerResult> {
  const issuer = c.get('issuer')
  const challenge = [`realm=${quote(issuer)}`, `resource_metadata=${quote(`${issuer}/.well-known/oauth-protected-resource/v2`)}`]
  const header = c.req.header('authorization')
  if (!header) {
    c.header('WWW-Authenticate', `Bearer ${challenge.join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, 'An access token is required.'), 401) }
  }
  const dpop = server.dpop && /^DPoP /i.test(header) ? await checkDpop(c, server, header) : undefined
  if (dpop && !dpop.ok) return dpop
  const credential = dpop ? dpop.credential : bearerCredential(header)
  const principal = credential === undefined ? undefined : await findPrincipal(server, credential, apiKey)
  const bindingProblem = principal && keyProblem(principal.jkt, dpop?.jkt)
  if (bindingProblem) {
    c.header('WWW-Authenticate', dpopChallenge('invalid_token', bindingProblem))
    return { ok: false, response: c.json(telnyxErrorBody(401, `${bindingProblem}.`), 401) }
  }
  if (!principal) {
    const description = 'The access token is invalid, expired or revoked'
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="invalid_token"', `error_description=${quote(description)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(401, `${description}.`), 401) }
  }
  const limited = server.rateLimiter.limit(c, principal.clientId === undefined ? `api-key:${principal.userId}` : `client:${principal.clientId}`)
  if (limited) return { ok: false, response: limited }
  if (scope && !principal.scopes.includes(scope)) {
    c.header('WWW-Authenticate', `Bearer ${[...challenge, 'error="insufficient_scope"', `scope=${quote(scope)}`].join(', ')}`)
    return { ok: false, response: c.json(telnyxErrorBody(403, `This action requires the "${scope}" scope.`), 403) }
  }
  if (principal.userId === undefined) {
    return { ok: false, response: c.json(telnyxErrorBody(403, 'This token acts for a client, not for a user.'), 403) }
  }
  if (principal.grantId) server.grants.touch(principal.grantId)
  return { ok: true, token: principal }
}

async function findPrincipal(server: ServerContext, credential: string, apiKey: boolean): Promise<BearerPrincipal | undefined> {
  if (apiKey) {
    const userId = server.apiKeys.userOf(credential)
    if (userId !== undefined) return { kind: 'apiKey', userId, clientId: undefined, scopes: ['admin'], grantId: undefined }
  }
  const token = await server.tokens.authenticate(credential)
  if (!token) return undefined
  return { kind: 'accessToken', userId: token.userId, clientId: token.clientId, scopes: token.scopes, grantId: token.grantId, jkt: token.jkt }
}

/** RFC 9449 §7.1: a bound token is refused as Bearer (the way a stolen one is sent) and with another key's proof. */
function keyProblem(boundTo: string | undefined, provedBy: string | undefined): string | undefined {
  if (boundTo === provedBy) return undefined
  if (boundTo === undefined) return 'The access token is not DPoP-bound: send it as Bearer'
  if (provedBy === undefined) return 'The access token is DPoP-bound: send it as "Authorization: DPoP" with a proof'
  return 'The DPoP proof is signed by another key than the access token is bound to'
}

const dpopChallenge = (error: string, description: string) =>
  `DPoP error=${quote(error)}, error_description=${quote(description)}, algs=${quote(dpopAlgorithms.join(' '))}`

/** Checks an `Authorization: DPoP` request's proof (RFC 9449 §7): its method, URL and `ath`, and the nonce when on. */
async function checkDpop(c: Context<AppEnv>, server: ServerContext, header: string) {
  const credential = bearerCredential(header, 'DPoP')
  const check = credential === undefined
    ? ({ ok: false, error: 'invalid_token', description: 'The DPoP access token is malformed' } as const)
    : await server.dpop!.verify(c.req.header('dpop'), { method: c.req.method, url: c.req.url, accessToken: credential })
  if (check.ok) return { ok: true as const, credential, jkt: check.jkt }
  c.header('WWW-Authenticate', dpopChallenge(check.error, check.description))
  return { ok: false as const, response: c.json(telnyxErrorBody(401, `${check.description}.`), 401) }
}
