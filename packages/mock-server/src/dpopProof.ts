import { EmbeddedJWK, calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose'
import { randomToken } from './randomToken'

/** The proof algorithms the server accepts and advertises (`dpop_signing_alg_values_supported`). */
export const dpopAlgorithms = ['ES256', 'PS256', 'RS256', 'EdDSA']

/** How far a proof's `iat` may be from the server's clock, in seconds (oidc-provider's default window). */
export const dpopIatWindow = 300

/** Proof `jti`s remembered at most: beyond it the oldest are forgotten (they fall out of the `iat` window anyway). */
export const maxRememberedJtis = 10_000

/** What checking a `DPoP` header found: the key's RFC 7638 thumbprint, or the RFC 9449 error to answer with. */
export type DpopCheck =
  | { ok: true; jkt: string }
  | { ok: false; error: 'invalid_dpop_proof' | 'use_dpop_nonce'; description: string }

/** The request a proof must match; `accessToken` on resource requests (checked against `ath`). */
export interface DpopRequest {
  method: string
  url: string
  accessToken?: string | undefined
}

/** RFC 9449 proof validation with a bounded `jti` replay cache and, when on, rotating server nonces. */
export interface DpopVerifier {
  /** Checks one request's `DPoP` header value (several headers arrive joined with commas, and are refused). */
  verify(header: string | undefined, request: DpopRequest): Promise<DpopCheck>
  /** The nonce to send in `DPoP-Nonce`, when nonces are on. */
  nonce(): string | undefined
  /** A new nonce at once; the old ones stop working (tests use it to force a `use_dpop_nonce` round). */
  rotateNonce(): void
}

const base64url = (bytes: ArrayBuffer) => Buffer.from(bytes).toString('base64url')
const sha256 = async (text: string) => base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))

/** The URL a proof's `htu` names: scheme, host and path, without query and fragment (RFC 9449 §4.3). */
export function htuOf(url: string): string {
  const parsed = new URL(url)
  return parsed.origin + parsed.pathname
}

/**
 * Creates a verifier. With `nonceTtlMs`, nonces are required: the current one and the one before it are
 * accepted, so a client holding a nonce from just before a timed rotation is not sent round again.
 */
export function createDpopVerifier({
  nonceTtlMs,
  maxJtis = maxRememberedJtis,
}: { nonceTtlMs?: number | undefined; maxJtis?: number } = {}): DpopVerifier {
  const seen = new Map<string, number>()
  let nonces: { current: string; previous: string | undefined; rotatesAt: number } | undefined
  const freshNonces = (previous: string | undefined) => ({ current: randomToken(), previous, rotatesAt: Date.now() + (nonceTtlMs ?? 0) })
  if (nonceTtlMs !== undefined) nonces = freshNonces(undefined)
  const currentNonces = () => {
    if (nonces && nonces.rotatesAt <= Date.now()) nonces = freshNonces(nonces.current)
    return nonces
  }
  const fail = (description: string): DpopCheck => ({ ok: false, error: 'invalid_dpop_proof', description })

  const remember = (jti: string, now: number) => {
    for (const [key, at] of seen) {
      if (at > now - dpopIatWindow * 2000 && seen.size < maxJtis) break
      seen.delete(key)
    }
    seen.set(jti, now)
  }

  return {
    nonce: () => currentNonces()?.current,
    rotateNonce() {
      if (nonces) nonces = freshNonces(undefined)
    },
    async verify(header, request) {
      if (header === undefined) return fail('A DPoP proof is required')
      if (!/^[\w-]+\.[\w-]+\.[\w-]+$/.test(header.trim())) return fail('The DPoP header must be exactly one compact JWS')
      let protectedHeader
      try {
        protectedHeader = decodeProtectedHeader(header)
      } catch {
        return fail('The DPoP proof is not a JWS')
      }
      if (protectedHeader.typ !== 'dpop+jwt') return fail('The DPoP proof must have typ "dpop+jwt"')
      if (!dpopAlgorithms.includes(protectedHeader.alg ?? '')) return fail(`The DPoP proof alg must be one of ${dpopAlgorithms.join(', ')}`)
      const jwk = protectedHeader.jwk
      if (!jwk || typeof jwk !== 'object') return fail('The DPoP proof must carry its public key in "jwk"')
      if ('d' in jwk || 'k' in jwk) return fail('The DPoP proof\'s "jwk" must be a public key')
      let payload
      try {
        ;({ payload } = await jwtVerify(header, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: dpopAlgorithms }))
      } catch {
        return fail('The DPoP proof signature does not verify with its "jwk"')
      }
      const now = Date.now()
      if (typeof payload.jti !== 'string' || payload.jti.length === 0) return fail('The DPoP proof needs a "jti"')
      if (payload.htm !== request.method) return fail(`The DPoP proof htm must be "${request.method}"`)
      if (typeof payload.htu !== 'string' || payload.htu !== htuOf(request.url)) {
        return fail(`The DPoP proof htu must be "${htuOf(request.url)}" (no query or fragment)`)
      }
      if (typeof payload.iat !== 'number' || Math.abs(payload.iat - now / 1000) > dpopIatWindow) {
        return fail(`The DPoP proof iat is more than ${dpopIatWindow} s from the server's clock (check the device's clock)`)
      }
      if (request.accessToken !== undefined && payload.ath !== (await sha256(request.accessToken))) {
        return fail('The DPoP proof ath does not match the access token')
      }
      const expected = currentNonces()
      if (expected && (payload.nonce === undefined || ![expected.current, expected.previous].includes(payload.nonce as string))) {
        return { ok: false, error: 'use_dpop_nonce', description: 'Authorization server requires nonce in DPoP proof' }
      }
      // Remembered only once everything else held: a refused proof was never accepted, so nothing replays it.
      if (seen.has(payload.jti)) return fail('The DPoP proof was already used (jti replay)')
      remember(payload.jti, now)
      return { ok: true, jkt: await calculateJwkThumbprint(jwk, 'sha256') }
    },
  }
}
