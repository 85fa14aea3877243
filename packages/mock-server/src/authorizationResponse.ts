import type { PendingAuthorization } from './consentStore'
import type { ServerContext } from './serverContext'

/** Appends authorization-response parameters to a redirect URI, keeping its own query (RFC 6749 §3.1.2). */
export function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri)
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value)
  return url.href
}

/** An error response to the client: `error`, `error_description`, `state` and, when enabled, RFC 9207 `iss`. */
export function errorRedirect(
  server: ServerContext,
  issuer: string,
  request: { redirectUri: string; state: string | undefined },
  error: string,
  description: string,
): string {
  return withParams(request.redirectUri, {
    error,
    error_description: description,
    state: request.state,
    iss: server.config.issParameter ? issuer : undefined,
  })
}

/** The user said yes: record the grant, mint a code, and build the redirect back to the client. */
export function approveAuthorization(
  server: ServerContext,
  issuer: string,
  pending: PendingAuthorization,
  userId: string,
): string {
  const grant = server.grants.upsert(userId, pending.clientId, pending.scopes)
  const code = server.grants.issueCode({
    clientId: pending.clientId,
    userId,
    grantId: grant.id,
    redirectUri: pending.redirectUri,
    scopes: pending.scopes,
    codeChallenge: pending.codeChallenge,
    codeChallengeMethod: pending.codeChallengeMethod,
    nonce: pending.nonce,
    dpopJkt: pending.dpopJkt,
    expiresAt: Date.now() + server.config.codeTtl * 1000,
  })
  return withParams(pending.redirectUri, {
    code: code.code,
    state: pending.state,
    iss: server.config.issParameter ? issuer : undefined,
  })
}

/** The user said no: `access_denied` back to the client. */
export function denyAuthorization(server: ServerContext, issuer: string, pending: PendingAuthorization): string {
  return errorRedirect(server, issuer, pending, 'access_denied', 'The user denied the request')
}

/** The user the consent page (or auto-approval) acts as: the one `login_hint` names, else the signed-in user. */
export function consentingUser(server: ServerContext, pending: PendingAuthorization) {
  return (pending.loginHint && server.users.findByHint(pending.loginHint)) || server.users.signedIn()
}
