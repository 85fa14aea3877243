import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { oauthError } from './errors'
import type { ServerContext } from './serverContext'

/** A token request's proof: the key's thumbprint (none without a proof, or with DPoP off), or the error response. */
export type TokenProof = { ok: true; jkt: string | undefined } | { ok: false; response: Response }

/**
 * Checks the `DPoP` header of a token-endpoint request (RFC 9449 §5) before anything is consumed, so a
 * bad proof or a stale nonce (`use_dpop_nonce`, with the fresh one in `DPoP-Nonce`) spends no code or
 * refresh token. With DPoP off the header is ignored, and the tokens come back as Bearer (as at Telnyx).
 */
export async function tokenEndpointProof(c: Context<AppEnv>, server: ServerContext): Promise<TokenProof> {
  const header = c.req.header('dpop')
  if (!server.dpop || header === undefined) return { ok: true, jkt: undefined }
  const check = await server.dpop.verify(header, { method: 'POST', url: c.req.url })
  if (check.ok) return { ok: true, jkt: check.jkt }
  return { ok: false, response: oauthError(c, 400, check.error, check.description) }
}

/** Why a DPoP-bound refresh token may not be used with this request's proof, if it may not. */
export function refreshBindingProblem(boundTo: string | undefined, jkt: string | undefined): string | undefined {
  if (boundTo === undefined || boundTo === jkt) return undefined
  return jkt === undefined
    ? 'The refresh token is DPoP-bound: the request needs a DPoP proof by its key'
    : 'The DPoP proof is signed by another key than the one the refresh token is bound to'
}
