import * as oauth from 'oauth4webapi'
import { AuthError } from './authError'
import { signProof, thumbprint, tokenHash } from './dpopProof'
import type { AuthPlugin } from './plugins'
import type { AuthStorage } from './storage'
import { idbStorage, memoryStorage } from './storage'

/** Options of {@link dpop}. */
export interface DpopOptions {
  /**
   * What to do when the server does not advertise DPoP with ES256 (`dpop_signing_alg_values_supported`):
   * `true` (the default), `signIn` fails with an `AuthError` (`invalid_response`) saying so, and nothing
   * goes out as a Bearer token; `false`, the client falls back to Bearer tokens with that server.
   */
  required?: boolean
}

/** The session's key, as kept beside it: the `CryptoKeyPair` itself (structured clone; the private key cannot be exported). */
interface KeyRecord {
  v: 1
  keyPair: CryptoKeyPair
  jkt: string
}

const lost = (cause?: unknown) =>
  new AuthError(
    'invalid_grant',
    "This session's DPoP key is gone from the browser's storage (site data cleared, or IndexedDB refused it), and its tokens are useless without it; sign in again.",
    { cause },
  )

/**
 * RFC 9449 DPoP for `createAuthClient({ plugins: [dpop()] })`: the session's tokens are bound to a key
 * that never leaves this browser, so a token read by script in the page (or from storage) is refused
 * anywhere else. One ES256 key pair per session (private key not extractable), kept in IndexedDB beside
 * the session and made at `signIn` under the cross-tab lock (read or created in one step, so every tab
 * uses the same key); its thumbprint goes to the authorization server as `dpop_jkt`. The code exchange,
 * every refresh and the revocation carry proofs, and the tokens must come back as `token_type: DPoP`
 * (a Bearer answer is an `AuthError`, `invalid_response`, and nothing is stored). `auth.fetch` and
 * `auth.getAuthorizationHeaders` send `Authorization: DPoP <token>` with a fresh proof (`htu` without
 * query or fragment, `ath` of the token sent). A server's `use_dpop_nonce` is answered by sending the
 * request once more with its nonce, never more; the latest nonce of each origin is kept for the page.
 * The key is deleted when the session ends here (sign-out, expiry), before `signOut()` resolves. A key
 * that went missing (site data cleared) ends the session at its next refresh with `invalid_grant`.
 *
 * @see [RFC 9449 - OAuth 2.0 Demonstrating Proof of Possession (DPoP)](https://www.rfc-editor.org/rfc/rfc9449.html)
 * @example
 * ```ts
 * import { dpop } from '@pkce-auth/core/dpop'
 * const auth = createAuthClient({ issuer, clientId, redirectUri, plugins: [dpop()] })
 * ```
 */
export function dpop({ required = true }: DpopOptions = {}): AuthPlugin {
  let server: () => Promise<oauth.AuthorizationServer>
  let locked: <T>(fn: () => Promise<T>) => Promise<T>
  let storage: AuthStorage
  let name: string
  // The last key of a session that ended here: the revocation that follows a sign-out still proves with it.
  let retired: KeyRecord | undefined
  // The latest nonce of each origin (token endpoint and resource servers), for the page.
  const nonces = new Map<string, string>()
  const remember = (response: Response | undefined, url: string) => {
    const nonce = response?.headers.get('dpop-nonce')
    if (nonce) nonces.set(new URL(url).origin, nonce)
    return !!nonce
  }

  const supported = async () => !!(await server()).dpop_signing_alg_values_supported?.includes('ES256')
  const read = async () => {
    try {
      const record = await storage.get<KeyRecord>(name)
      return record?.v === 1 ? record : undefined
    } catch (cause) {
      throw lost(cause)
    }
  }
  /** The session's key; none in the Bearer fallback; missing otherwise, `invalid_grant`: that ends the session. */
  const current = async () => {
    const record = (await read()) ?? retired
    if (!record && (required || (await supported()))) throw lost()
    return record
  }
  /** Headers with a fresh proof for `method url`: `htu` without query or fragment, the origin's nonce, `ath` of `token`. */
  const proof = async ({ keyPair }: KeyRecord, method: string, url: string, token?: string) => {
    const { origin, pathname } = new URL(url)
    const ath = token && (await tokenHash(token))
    return { dpop: await signProof(keyPair, { htm: method, htu: origin + pathname, ath, nonce: nonces.get(origin) }) }
  }
  const create = async (): Promise<KeyRecord> => {
    let keyPair: CryptoKeyPair
    try {
      keyPair = await oauth.generateKeyPair('ES256')
    } catch (cause) {
      throw new AuthError('invalid_response', 'This browser cannot make the ES256 key DPoP needs (crypto.subtle missing, or without ECDSA P-256).', { cause })
    }
    const record: KeyRecord = { v: 1, keyPair, jkt: await thumbprint(keyPair.publicKey) }
    try {
      await storage.set(name, record)
    } catch (cause) {
      throw new AuthError('storage_unavailable', undefined, { cause })
    }
    return record
  }

  return {
    name: 'dpop',
    setup(prefix, sessions, metadata, options) {
      name = prefix + 'dpop-key'
      locked = sessions.locked
      server = metadata
      // A CryptoKey is kept as it is, never encrypted (it cannot be read out anyway): in IndexedDB beside
      // the session, or in this page's memory where the session is.
      storage = options.storage == 'memory' ? memoryStorage() : idbStorage()
    },
    async authorize() {
      if (!(await supported())) {
        if (!required) return {}
        throw new AuthError(
          'invalid_response',
          `${(await server()).issuer} does not advertise DPoP with ES256 (dpop_signing_alg_values_supported), which dpop() requires; dpop({ required: false }) falls back to Bearer.`,
        )
      }
      retired = undefined
      // One step under the lock: two tabs signing in at once get one key, never one each.
      const { jkt } = await locked(async () => (await read()) ?? create())
      return { dpop_jkt: jkt }
    },
    async tokens(send, url) {
      const record = await current()
      if (!record) return send({})
      let result
      try {
        result = await send({ headers: new Headers(await proof(record, 'POST', url)) })
      } catch (error) {
        // Refused before anything was done (no code or refresh token spent): once more with the nonce the
        // server sent. A second refusal is the answer.
        const { error: code, response } = error as { error?: string; response?: Response }
        if (code !== 'use_dpop_nonce' || !remember(response, url)) throw error
        result = await send({ headers: new Headers(await proof(record, 'POST', url)) })
      }
      const type = (result as { token_type?: string } | undefined)?.token_type
      if (type && type !== 'dpop') {
        throw new AuthError('invalid_response', `The token endpoint answered a request with a DPoP proof with a "${type}" token, not a DPoP-bound one; nothing was stored.`)
      }
      return result
    },
    async headers(token, { method, url }) {
      const record = await current()
      return record ? { authorization: `DPoP ${token}`, ...(await proof(record, method.toUpperCase(), url, token)) } : { authorization: `Bearer ${token}` }
    },
    retry: (response, { url }) =>
      remember(response, url) && response.status == 401 && /\bdpop\b[^]*use_dpop_nonce/i.test(response.headers.get('www-authenticate') ?? ''),
    async ended() {
      retired = await read().catch(() => undefined)
      await storage.del(name).catch(() => {})
    },
  }
}
