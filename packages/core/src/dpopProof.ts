const bytes = (text: string) => new TextEncoder().encode(text)
const base64url = (data: ArrayBuffer | Uint8Array) =>
  btoa(new Uint8Array(data).reduce((text, byte) => text + String.fromCharCode(byte), '')).replace(/[+/=]/g, (c) => (c == '+' ? '-' : c == '/' ? '_' : ''))
const encode = (value: object) => base64url(bytes(JSON.stringify(value)))

/** The `ath` of an access token: the base64url SHA-256 of it (RFC 9449 §4.2). */
export const tokenHash = async (token: string) => base64url(await crypto.subtle.digest('SHA-256', bytes(token)))

/** What a proof says about its request: `htu` has no query or fragment; `ath` only on resource requests. */
export interface ProofClaims {
  htm: string
  htu: string
  ath: string | undefined
  nonce: string | undefined
}

/** The RFC 7638 SHA-256 thumbprint of an EC public key: the `dpop_jkt` and `cnf.jkt` that name it. */
export async function thumbprint(publicKey: CryptoKey): Promise<string> {
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', publicKey)
  // The required members, in lexicographic order, no whitespace (RFC 7638 §3.2).
  return tokenHash(JSON.stringify({ crv, kty, x, y }))
}

/**
 * A DPoP proof (RFC 9449 §4.2) signed ES256 by the session's key, fresh `jti` and `iat` each time. Made
 * here rather than by oauth4webapi's `DPoP()` handle: the same proofs go to the token endpoint (in the
 * request's headers) and to resource servers (requests oauth4webapi does not send), and it keeps the
 * add-on small.
 *
 * @see [RFC 9449 §4 - DPoP Proof JWTs](https://www.rfc-editor.org/rfc/rfc9449.html#section-4)
 */
export async function signProof({ privateKey, publicKey }: CryptoKeyPair, claims: ProofClaims): Promise<string> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey)
  const input =
    encode({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } }) +
    '.' +
    encode({ ...claims, iat: Math.floor(Date.now() / 1000), jti: base64url(crypto.getRandomValues(new Uint8Array(16))) })
  return input + '.' + base64url(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, bytes(input)))
}
