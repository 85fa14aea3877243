import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { Transaction } from './authorizationRequest'
import { createAuthorizationRequest } from './authorizationRequest'
import { exchangeError, mayResendExchange } from './codeExchange'
import type { ClientParts } from './internals'
import { addOns } from './internals'
import { hook } from './plugins'
import { isCallbackUrl, isResponseUrl, isSameOriginPath, toUrl, withoutResponseParams } from './redirectUrl'
import type { RedirectResult, SignInOptions } from './types'
import { withUserInfo } from './userInfo'

/** The sign-ins under way: each one's `state`, and when its transaction expires. */
interface PendingTransactions {
  v: 1
  states: Record<string, number>
}

/**
 * The redirect flow: `signIn` stores a transaction under a fresh `state` and leaves for the
 * authorization endpoint; `handleRedirect` on the way back validates the response, exchanges the
 * code once (its result memoised per URL, so React StrictMode's second call sends nothing) and
 * stores the session.
 */
export function createRedirectFlow({ config, client, prefix, sessions, store, exchange, server, endpoint, http, prove }: ClientParts) {
  const { clientId, redirectUri, now, navigate } = config
  // Under their own prefix, so that no `state` from an address bar names another record.
  const transactionKey = (state: string) => prefix + 'transaction:' + state
  const pendingKey = prefix + 'transactions'
  const redirects = new Map<string, Promise<RedirectResult>>()

  // `go`, for the popup add-on only: where the URL goes instead of this page's address.
  const signIn = async ({ appState, returnTo, prompt, loginHint, scope = config.scope, extraParams }: SignInOptions = {}, go?: (url: string) => void) => {
    if (returnTo !== undefined && !isSameOriginPath(returnTo)) throw new TypeError('"returnTo" must be a same-origin path')
    await sessions.start()
    // An option left out leaves the same parameter given among the extra ones.
    const extra: Record<string, unknown> = { ...config.extraAuthorizationParams, ...extraParams }
    try {
      const { url, state, transaction } = await createAuthorizationRequest(
        endpoint((await server()).authorization_endpoint),
        {
          ...extra,
          ...(await hook(config.plugins, 'authorize')?.()),
          client_id: clientId,
          redirect_uri: redirectUri,
          scope,
          resource: config.resource ?? extra.resource,
          prompt: prompt ?? extra.prompt,
          login_hint: loginHint ?? extra.login_hint,
        },
        { appState, returnTo, scope, popup: go && true },
        now(),
        config.signInTimeoutSeconds * 1000,
      )
      const { storage } = sessions
      await storage.set(transactionKey(state), transaction)
      // A transaction kept only in this page's memory would not survive the redirect.
      if (storage.failure) throw new AuthError('storage_unavailable', undefined, { cause: storage.failure.error })
      await forgetAbandoned(state, transaction.expiresAt).catch(() => {})
      ;(go ?? navigate)(url)
    } catch (error) {
      store.fail(error)
    }
  }

  /**
   * Lists this sign-in's transaction, and deletes those of sign-ins that never came back (expired):
   * storage cannot list its keys, so this list is what finds them. Two tabs signing in at once may
   * each drop the other's entry, which only leaves that record for longer.
   */
  const forgetAbandoned = async (state: string, expiresAt: number) => {
    const { storage } = sessions
    const pending: Record<string, number> = { ...(await sessions.read<PendingTransactions>(pendingKey, Boolean))?.states }
    for (const [old, until] of Object.entries(pending)) {
      if (until <= now()) {
        await storage.del(transactionKey(old))
        delete pending[old]
      }
    }
    await storage.set(pendingKey, { v: 1, states: { ...pending, [state]: expiresAt } })
  }

  const completeRedirect = async (url: URL): Promise<RedirectResult> => {
    const { signOuts } = sessions
    const generation = signOuts.current()
    await sessions.start()
    try {
      const expectedState = url.searchParams.get('state')!
      const key = transactionKey(expectedState)
      const transaction = await sessions.read<Transaction>(key, (record) => record.expiresAt > now())
      if (!transaction) throw new AuthError('state_mismatch')
      // A popup's callback page hands the response to the page that opened it, which exchanges the code.
      const handOver = transaction.popup && addOns.popup?.(url, () => sessions.storage.del(key))
      if (handOver) return await handOver
      // One transaction, one code exchange.
      await sessions.storage.del(key)
      const { nonce, verifier } = transaction
      const exchanged = await exchange({
        send: (as, options) => oauth.authorizationCodeGrantRequest(as, client, oauth.None(),
          oauth.validateAuthResponse(as, client, url, expectedState), redirectUri, verifier, options).catch((error) => {
          throw exchangeError(error)
        }),
        process: (as, client, response) =>
          oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: !!nonce }),
        requested: transaction.scope,
        // A code is good once: sent again only when the server said it did not handle it.
        beforeRetry: mayResendExchange,
      })
      // Once per sign-in, never on a refresh: the claims are stored with the session.
      const { session: next, error } = config.userInfo ? await withUserInfo(await server(), client, exchanged, http, prove) : { session: exchanged }
      // A new sign-in carries nothing over (refresh token, ID token, user) from a session in hand. A
      // `signOut()` since the callback began (during the exchange or userinfo, or the wait for the lock)
      // wins: nothing is stored or told to the other tabs. One called during the write finds it stored, and ends it.
      await sessions.exclusively(() => {
        if (signOuts.movedSince(generation)) throw new AuthError('login_required')
        return sessions.save(next, { type: 'signedIn' })
      })
      if (error) store.report(error)
      return { appState: transaction.appState, returnTo: transaction.returnTo }
    } catch (cause) {
      const error = toAuthError(cause)
      // A bad callback does not end a session that is still there (in hand, or stored as the page
      // loaded): it shows (with the error) now. After a sign-out, the sign-out is why.
      const current = sessions.current() ?? (signOuts.movedSince(generation) ? undefined : await sessions.readSession())
      if (current) sessions.adopt(current)
      else sessions.apply(undefined, signOuts.movedSince(generation) ? { type: 'signedOut', reason: 'signed_out' } : { type: 'signedOut', reason: 'callback_failed', error })
      return store.fail(error)
    }
  }

  // A relative `url` is resolved against the page's address; one that cannot be is no callback either.
  const handleRedirect = (url?: string | URL) => {
    const parsed = toUrl(url)
    const href = parsed?.href!
    let result = redirects.get(href)
    // No authorization response here: nothing to exchange or clean up, and the state stays as restored.
    if (!result && !isResponseUrl(parsed, redirectUri)) return sessions.start().then((): never => {
      throw new AuthError('not_a_callback', undefined, { url: parsed })
    })
    if (!result) {
      redirects.set(href, (result = completeRedirect(parsed!)))
      // Whatever happens next, the response leaves the address bar, so a reload never replays it.
      // A second call reading the address (React StrictMode) finds the same result under the clean one.
      if (typeof location !== 'undefined' && location.href === href) {
        history.replaceState(history.state, '', withoutResponseParams(href))
        redirects.set(location.href, result)
      }
    }
    return result
  }

  return {
    signIn,
    isRedirectCallback: (url?: string | URL) => isCallbackUrl(toUrl(url), redirectUri),
    handleRedirect,
  }
}
