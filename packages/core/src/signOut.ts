import * as oauth from 'oauth4webapi'
import type { ClientParts } from './internals'
import { withParams } from './redirectUrl'
import type { SignOutOptions } from './types'

/**
 * `signOut`: this tab at once, storage and the other tabs under the lock, then revocation (RFC 7009)
 * and the end-session redirect when asked.
 */
export function createSignOut({ config, client, sessions, server, http, endpoint }: ClientParts) {
  return async ({ revoke = true, redirect = false }: SignOutOptions = {}) => {
    // First: a sign-in whose callback is under way here is dropped rather than stored (`redirectFlow.ts`).
    sessions.signOuts.next()
    await sessions.start()
    // On a server there is nothing stored and no tab to tell.
    if (!sessions.inBrowser()) return
    const previous = sessions.current()
    // Shown and told at once. Storage follows under the lock, once a refresh under way in another tab
    // has landed: what it stored of this session is deleted too, and its tokens revoked with these. A
    // sign-in stored since (another session) stays.
    if (previous) {
      // Told first: an app may dispose the client as soon as the state says signed out.
      sessions.tabs()?.post({ type: 'signedOut', reason: 'signed_out', id: previous.id })
      sessions.apply(undefined, { type: 'signedOut', reason: 'signed_out' })
    }
    const stored = await sessions.exclusively(async () => {
      const stored = await sessions.readSession()
      // A sign-in stored since is another session; with none in hand or stored, nothing is left to end.
      if ((stored && previous && stored.id !== previous.id) || !(stored || previous)) return
      await sessions.signedOut('signed_out', previous)
      return stored
    })
    const revoked = new Set([previous, stored].flatMap((s) => (revoke && s ? [s.refreshToken, s.accessToken] : [])))
    revoked.delete(undefined)
    if (!revoked.size && !redirect) return
    try {
      const as = await server()
      if (as.revocation_endpoint) {
        // A server that cannot revoke them keeps the tokens until they expire; the redirect still happens.
        // No DPoP proof, even for bound tokens: RFC 9449 defines none for revocation (RFC 7009), and
        // oauth4webapi's revocationRequest takes no DPoP handle. The token itself is what revokes it.
        await Promise.all([...revoked].map(async (token) => oauth.processRevocationResponse(
          await oauth.revocationRequest(as, client, oauth.None(), token!, http(as.revocation_endpoint))))).catch(() => {})
      }
      if (redirect && as.end_session_endpoint) {
        config.navigate(withParams(endpoint(as.end_session_endpoint), {
          client_id: config.clientId,
          id_token_hint: (stored ?? previous)?.idToken,
          post_logout_redirect_uri: config.postLogoutRedirectUri,
        }))
      }
    } catch {
      // Signed out here already; without the server's metadata there is nothing to revoke or redirect to.
    }
  }
}
