import * as oauth from 'oauth4webapi'
import { AuthError } from './authError'
import type { ClientParts } from './internals'
import type { AuthPlugin } from './plugins'
import type { AuthStorage } from './storage'
import { idbStorage, memoryStorage, readRecord } from './storage'

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

const lost = () =>
  new AuthError(
    'invalid_grant',
    "The session's DPoP key is gone (site data cleared); sign in again.",
  )

/**
 * RFC 9449 DPoP for `createAuthClient({ plugins: [dpop()] })`: the session's tokens are bound to a key
 * that never leaves this browser, so a token read by script in the page (or from storage) is refused
 * anywhere else. One ES256 key pair per session (private key not extractable), kept in IndexedDB beside
 * the session and made at `signIn` under the cross-tab lock (read or created in one step, so every tab
 * uses the same key); its thumbprint goes to the authorization server as `dpop_jkt`. Proofs are made by
 * oauth4webapi's `DPoP()` handle, one per key. The code exchange, every refresh and the userinfo request
 * carry proofs, and the tokens must come back as `token_type: DPoP` (a Bearer answer is an `AuthError`,
 * `invalid_response`, and nothing is stored). `auth.fetch`, `auth.getAuthorizationHeaders` and
 * `forResource` handles send `Authorization: DPoP <token>` with a fresh proof (`htu` without query or
 * fragment, `ath` of the token sent). The revocation at sign-out carries none (RFC 9449 defines none for
 * it). The latest `DPoP-Nonce` of each origin (from any response, a successful token response included)
 * is kept for the page; a `use_dpop_nonce` refusal is answered by sending the request once more with it,
 * never more. The key is deleted when the session ends here (sign-out, expiry), before `signOut()`
 * resolves. A key that went missing (site data cleared) ends the session with `invalid_grant` when the
 * page loads, in every tab (with `required: false`, at its next refresh).
 *
 * @see [RFC 9449 - OAuth 2.0 Demonstrating Proof of Possession (DPoP)](https://www.rfc-editor.org/rfc/rfc9449.html)
 * @example
 * ```ts
 * import { dpop } from '@pkce-auth/core/dpop'
 * const auth = createAuthClient({ issuer, clientId, redirectUri, plugins: [dpop()] })
 * ```
 */
export function dpop({ required = true }: DpopOptions = {}): AuthPlugin {
  let parts: ClientParts
  let storage: AuthStorage
  let name: string
  // One handle per key (by thumbprint): it signs the proofs and keeps the latest nonce of each origin,
  // from every response it sees (a successful token response included), for the page.
  const handles: Record<string, oauth.DPoPHandle> = {}

  const supported = async () => (await parts.server()).dpop_signing_alg_values_supported?.includes('ES256')
  // A read that failed (IndexedDB lost its connection) is no missing key: it ends no session.
  const read = () =>
    readRecord<KeyRecord>(storage, name).catch((cause) => {
      throw new AuthError('storage_unavailable', undefined, { cause })
    })
  /**
   * `send` with the session key's handle (none in the Bearer fallback; missing otherwise,
   * `invalid_grant`: that ends the session), once more when refused for a nonce (which the handle
   * took from the refusal). Never a loop: a second refusal is the answer. A server refuses a nonce
   * before it looks at the grant (RFC 9449 §8), so a refresh token is spent once, by the request that
   * went through.
   */
  const prove = async <T>(send: (options: { DPoP?: oauth.DPoPHandle }) => Promise<T>) => {
    const record = await read()
    if (!record && (required || (await supported()))) throw lost()
    const DPoP = record && (handles[record.jkt] ??= oauth.DPoP({}, record.keyPair))
    try {
      return await send({ DPoP })
    } catch (error) {
      if (!DPoP || !oauth.isDPoPNonceError(error)) throw error
      return send({ DPoP })
    }
  }
  return {
    name: 'dpop',
    setup(given) {
      parts = given
      name = parts.prefix + 'dpop-key'
      // A CryptoKey is kept as it is, never encrypted (it cannot be read out anyway): in IndexedDB beside
      // the session, or in this page's memory where the session is.
      storage = parts.config.storage == 'memory' ? memoryStorage() : idbStorage()
    },
    async authorize() {
      if (!(await supported())) {
        if (!required) return {}
        throw new AuthError(
          'invalid_response',
          `${(await parts.server()).issuer} lists no ES256 in dpop_signing_alg_values_supported; dpop({ required: false }) falls back to Bearer.`,
        )
      }
      // One step under the lock: two tabs signing in at once get one key, never one each.
      const { jkt } = await parts.sessions.locked(async () => {
        let record = await read()
        if (!record) {
          // Made here, not by oauth4webapi's generateKeyPair, which costs more bytes for the same call.
          const keyPair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']).catch((cause) => {
            throw new AuthError('invalid_response', 'This browser cannot make the ES256 key DPoP needs.', { cause })
          })) as CryptoKeyPair
          record = { v: 1, keyPair, jkt: await oauth.DPoP({}, keyPair).calculateThumbprint() }
          await storage.set(name, record).catch((cause) => {
            throw new AuthError('storage_unavailable', undefined, { cause })
          })
        }
        return record
      })
      return { dpop_jkt: jkt }
    },
    prove: (send) =>
      prove(async (options) => {
        const result = await send(options)
        // oauth4webapi takes the two token types it knows, Bearer and DPoP (lowercased): after a proof,
        // only a DPoP-bound token will do.
        if (options.DPoP && (result as { token_type?: string } | undefined)?.token_type == 'bearer') {
          throw new AuthError('invalid_response', 'A DPoP proof got a Bearer token back; nothing was stored.')
        }
        return result
      }),
    request: (token, { method, url }, send) =>
      prove((options) =>
        options.DPoP
          // oauth4webapi makes the proof and reads the nonce; the app's request itself goes out through `send`.
          ? oauth.protectedResourceRequest(token, method, new URL(url), undefined, undefined, {
            ...options,
            [oauth.customFetch]: (_, { headers: { authorization, dpop } }) => send({ authorization: authorization!, dpop: dpop! }),
            // The app's own URL: plain http is its call, as with a Bearer token.
            [oauth.allowInsecureRequests]: true,
          })
          : send({ authorization: `Bearer ${token}` })).catch((error) => {
        // oauth4webapi throws on any response with a challenge (WWW-Authenticate): the app's to read, as any other.
        if (error instanceof oauth.WWWAuthenticateChallengeError) return error.response
        throw error
      }),
    async restored(stored) {
      // Without its key the session's tokens are useless: it ends at page load, not at its next refresh,
      // and under the lock as a refresh would end it, so every tab is told. No other tab's newer sign-in
      // can be ended by this: that one made its key before its redirect, and the key would be found here.
      // With `required: false` whether the session was bound is in the server's metadata, which a
      // restore does not fetch (it sends nothing): there the next refresh finds out.
      if (!required || (await read().catch(() => 1))) return false
      await parts.sessions.exclusively(() => parts.sessions.signedOut('session_expired', stored, lost()))
      return true
    },
    ended: () => storage.del(name).catch(() => {}),
  }
}
