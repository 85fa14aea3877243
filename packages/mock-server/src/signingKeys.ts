import { calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose'
import type { JSONWebKeySet, JWK, JWTPayload } from 'jose'

/** The server's ES256 signing key and its public JWKS. */
export interface SigningKeys {
  /** The public key set served at `/v2/oauth/jwks`. */
  jwks(): Promise<JSONWebKeySet>
  /** Signs `payload` as a compact JWS with `alg: ES256`, the key's `kid`, and `typ`. */
  sign(payload: JWTPayload, typ: string): Promise<string>
  /** The payload of a JWT this key signed, or `undefined` when the signature, `typ` or `exp` is wrong. */
  verify(token: string, typ: string): Promise<JWTPayload | undefined>
}

/** Generates a fresh key pair; the private key never leaves WebCrypto. */
export function createSigningKeys(): SigningKeys {
  // Generated once per server, lazily awaited so createMockServer can stay synchronous.
  const keys = (async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = await exportJWK(publicKey)
    const kid = await calculateJwkThumbprint(jwk)
    const publicJwk: JWK = { ...jwk, kid, alg: 'ES256', use: 'sig' }
    return { privateKey, publicKey, kid, publicJwk }
  })()

  return {
    async jwks() {
      return { keys: [(await keys).publicJwk] }
    },
    async sign(payload, typ) {
      const { privateKey, kid } = await keys
      return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ }).sign(privateKey)
    },
    async verify(token, typ) {
      const { publicKey } = await keys
      try {
        const { payload } = await jwtVerify(token, publicKey, { algorithms: ['ES256'], typ })
        return payload
      } catch {
        return undefined
      }
    },
  }
}
