import * as oauth from 'oauth4webapi'
import { AuthError, toAuthError } from './authError'
import type { AuthEvents } from './authEvents'
import type { AuthEvent, AuthState, SignOutReason } from './authState'
import { reduce } from './authState'
import { createClientStorage } from './clientStorage'
import { exchangeError, mayResendExchange } from './codeExchange'
import { watchWake } from './lifecycle'
import type { Transaction } from './authorizationRequest'
import { createAuthorizationRequest } from './authorizationRequest'
import { bearerFetch } from './bearerFetch'
import type { AuthClientOptions } from './options'
import { isLoopback, resolveOptions } from './options'
import type { HttpOptions } from './protocolFetch'
import { protocolFetch } from './protocolFetch'
import { isCallbackUrl, isResponseUrl, isSameOriginPath, withoutResponseParams, withParams } from './redirectUrl'
import type { RetryOutcome } from './retryFetch'
import type { CachedMetadata } from './serverMetadata'
import { createServerMetadata } from './serverMetadata'
import type { Session } from './session'
import { isSession, toSession } from './session'
import type { TabChannel, TabMessage } from './tabChannel'
import { createTabChannel } from './tabChannel'
import { withTabLock } from './tabLock'
import { withUserInfo } from './userInfo'
import type { AuthClient, GetAccessTokenOptions, RedirectResult, SignInOptions, SignOutOptions } from './types'

/** The sign-ins under way: each one's `state`, and when its transaction expires. */
interface PendingTransactions {
  v: 1
  states: Record<string, number>
}

type Source = AuthEvents['tokenRefreshed']['source']
type Listener = [name: string, listener: (event?: any) => void]

const ignore = () => {}

/**
 * Creates a client for one authorization server and one public client. Validates the options at
 * once (`TypeError` naming the option). Creating it touches nothing: the session is restored from
 * storage on first use (`getState`, `subscribe`, `on` or any action), and never outside a browser
 * (server rendering): there the state stays `loading`, records live in memory, and no timer,
 * listener or channel is started.
 *
 * @example
 * ```ts
 * const auth = createAuthClient({
 *   issuer: 'https://api.telnyx.com',
 *   clientId: 'my-public-client-id',
 *   redirectUri: `${location.origin}/callback`,
 *   scope: 'admin',
 * })
 * if (auth.isRedirectCallback()) await auth.handleRedirect()
 * ```
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = resolveOptions(options)
  const { clientId, redirectUri, now, navigate, retry } = config
  const leeway = config.refreshLeewaySeconds * 1000
  const client: oauth.Client = { client_id: clientId }
  const issuer = new URL(config.issuer)
  // One name per issuer and client: the storage prefix, the refresh lock and the tab channel.
  const name = `pkce-auth:${config.issuer}:${clientId}`
  const prefix = name + ':'
  const sessionKey = prefix + 'session'
  // Under their own prefix, so that no `state` from an address bar names another record.
  const transactionKey = (state: string) => prefix + 'transaction:' + state
  const pendingKey = prefix + 'transactions'
  // RFC 8707 §2.2: the resources go with every token request too, else the token is not for them.
  const additionalParameters = [config.resource ?? []].flat().map((resource) => ['resource', resource])

  let state: AuthState = { status: 'loading' }
  let session = undefined as Session | undefined
  // Counts the sessions ended in this tab, so a write that a sign-out overtook can tell.
  let signOuts = 0
  // Sign-ins and sign-outs of this tab waiting for (or holding) the lock, and how many have begun or
  // ended: see `exclusively`. `missed` says a tab message went unread meanwhile.
  let changing = 0
  let changes = 0
  let missed = false
  let ready: Promise<void> | undefined
  let browser = false
  let disposed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopWake: (() => void) | undefined
  let channel: TabChannel | undefined
  let inbox = Promise.resolve()
  let refreshing: Promise<Session> | undefined
  // The refresh on the wire and the session it renews: stopped once that session is no longer in hand.
  let renewal: { of: Session; controller: AbortController } | undefined
  // Memory until the client starts in a browser: then the configured storage.
  let storage = createClientStorage('memory')
  const listeners = new Set<Listener>()
  const redirects = new Map<string, Promise<RedirectResult>>()

  const emit = <K extends keyof AuthEvents>(type: K | 'change', event?: AuthEvents[K]) => {
    for (const [name, listener] of [...listeners]) {
      if (name === type) {
        try {
          listener(event)
        } catch (error) {
          // An app's listener must not break the client, nor go unnoticed.
          (globalThis.reportError ?? console.error)(error)
        }
      }
    }
  }

  const dispatch = (event: AuthEvent) => {
    const next = reduce(state, event)
    if (next !== state) {
      state = next
      emit('change')
    }
  }

  /** Reads a record written by this version; anything unreadable counts as absent. */
  const read = async <T>(key: string, isValid: (record: T) => boolean): Promise<T | undefined> => {
    try {
      const record = await storage.get<T & { v: unknown }>(key)
      return record?.v === 1 && isValid(record) ? record : undefined
    } catch {}
  }
  // A record of an older version has no id: all of them count as one session, in every tab.
  const readSession = () => read<Session>(sessionKey, isSession).then((s) => s && { id: '', ...s })

  /**
   * How long before expiry a token is renewed: the leeway, but at most half the token's lifetime, so
   * that a token living shorter than the leeway is not renewed at once, and again, and again. One
   * that cannot be renewed is used until it expires, when the timer ends the session.
   */
  const margin = (s: Session) => s.refreshToken ? Math.min(leeway, (s.lifetime ?? 2 * leeway) / 2) : 0
  /** True when `s` stays valid for more than `ms` (by default its renewal margin). */
  const fresh = (s: Session | undefined, ms?: number): s is Session => !!s && s.expiresAt - now() > (ms ?? margin(s))
  const online = () => globalThis.navigator?.onLine !== false

  /** The timer is a hint: expiry is also re-checked on every read and whenever the page wakes. */
  const check = () => {
    if (session && !fresh(session) && online()) {
      // A refresh that failed for now is tried again later (the requests themselves were retried already),
      // by one timer however many checks shared that refresh, so that `dispose` can clear it.
      token(undefined, false, 'scheduled').catch(() => {
        // Unless a new session came meanwhile (and has its own timer).
        if (stopWake && !fresh(session)) {
          clearTimeout(timer)
          timer = setTimeout(check, 30_000)
        }
      })
    }
  }
  const schedule = () => {
    clearTimeout(timer)
    if (session && stopWake) {
      // Jitter, so that tabs holding the same session do not all wake at once.
      const ms = margin(session)
      const jitter = Math.random() * Math.min(ms / 10, 5000)
      // At least a second apart: a server issuing tokens that expire at once is not asked in a loop.
      timer = setTimeout(check, Math.min(Math.max(session.expiresAt - now() - ms + jitter, 1000), 2 ** 31 - 1))
    }
  }

  /** Starts or stops the background work: it runs while someone listens, in a browser, until `dispose`. */
  const effects = () => {
    const active = browser && !disposed && listeners.size > 0
    if (active && !stopWake) {
      stopWake = watchWake(check, { now })
      tabs()
    } else if (!active && stopWake) {
      stopWake()
      stopWake = undefined
    }
    schedule()
  }

  /** The channel to the other tabs, opened on first need. */
  const tabs = () => {
    if (browser && !disposed && !channel) {
      channel = createTabChannel(name)
      // One message at a time, in order: a sign-out never lands while an earlier message still reads storage.
      channel.subscribe((message) => void (inbox = inbox.then(() => receive(message)).catch(ignore)))
    }
    return channel
  }

  /**
   * Another tab changed the session. A sign-out ends here the session it names, whatever storage holds
   * meanwhile (a sign-in since stays); anything else is followed from storage, which has the last
   * word. No request, nothing posted back.
   */
  const receive = async ({ type, reason, id }: TabMessage) => {
    await ready
    // Where records live in this page's memory, each tab has its own session: a sign-out ends all of them.
    const local = config.storage === 'memory' || !!storage.failure
    const end = () => apply(undefined, { type: 'signedOut', reason: reason === 'session_expired' ? reason : 'signed_out' })
    if (type === 'signedOut' && session && (local || id === undefined || id === session.id)) {
      end()
      // There this tab's own copy is left to delete; a shared one is the signing-out tab's to delete.
      if (local) await storage.del(sessionKey)
      return
    }
    const epoch = changes
    const stored = changing ? undefined : await readSession()
    // A sign-in or sign-out of this tab began (or ended) meanwhile: it writes last, then looks again.
    if (changing || epoch !== changes) {
      missed = true
      return
    }
    // Nothing stored: the session in hand was replaced by another tab's sign-in, which has ended since.
    if (!stored) {
      if (session && !local) end()
    } else if (type !== 'signedOut' && stored.accessToken !== session?.accessToken) {
      adopt(stored, type === 'tokensUpdated' ? 'otherTab' : undefined)
    }
  }

  /** Changes the session in this tab: memory, state, events and timer (no storage, no other tab). */
  const apply = (next: Session | undefined, event: AuthEvent, source?: Source) => {
    const [previous, before] = [session, state]
    if (previous && !next) signOuts++
    // A sign-out (here or elsewhere) or another sign-in frees the lock at once: its refresh is moot.
    if (renewal && next?.id !== renewal.of.id) renewal.controller.abort(new AuthError('login_required'))
    session = next
    dispatch(event)
    schedule()
    if (state === before) return
    if (next) {
      // The same sign-in renewed, or another one (found in storage, or made here).
      if (previous && source && previous.id === next.id) emit('tokenRefreshed', { expiresAt: next.expiresAt, source })
      else emit('signedIn', {})
    } else if (event.type === 'signedOut' && event.reason) {
      emit('signedOut', { reason: event.reason })
    }
  }
  const adopt = (next: Session, source?: Source) =>
    apply(next, { type: 'signedIn', user: next.user, scope: next.scope, expiresAt: next.expiresAt }, source)

  /**
   * A change made here, under the lock: a new session stored then applied, an ended one applied then
   * deleted; then told to the other tabs (which read storage).
   */
  const save = async (next: Session | undefined, message: TabMessage, source?: Source, error?: AuthError, ended?: Session) => {
    if (next) {
      // Stored before it is shown or used: a page reloaded (or closed) once the state says signed in
      // keeps the session, and no other tab is left holding a refresh token this one has spent.
      const before = signOuts
      await storage.set(sessionKey, next)
      // A refresh signed out here while it was being written: take the write back and tell nobody,
      // rather than bring the session back to every tab and the next page load. A sign-in stands.
      if (message.type != 'signedIn' && signOuts !== before) {
        await storage.del(sessionKey)
        throw new AuthError('login_required')
      }
      adopt(next, source)
    } else {
      apply(undefined, { type: 'signedOut', reason: message.reason as SignOutReason, error })
      await storage.del(sessionKey)
    }
    tabs()?.post({ ...message, id: (next ?? ended)?.id })
  }
  const signedOut = (reason: SignOutReason, ended: Session | undefined, error?: AuthError) =>
    save(undefined, { type: 'signedOut', reason }, undefined, error, ended)

  /** Runs `fn` under the lock that every tab's refresh, sign-in and sign-out of this client takes. */
  const locked = <T>(fn: () => Promise<T>) => withTabLock(name, fn, { storage: storage.lease, timeoutMs: retry.timeoutMs })

  /**
   * Runs a sign-in's or sign-out's change of the stored session under the lock, so that it never lands
   * between another tab's refresh reading storage and writing it back: it comes after, and so last.
   * Meanwhile this tab follows no other tab. A lock not granted in time does not stop the change.
   */
  const exclusively = async <T>(fn: () => Promise<T>) => {
    let ran = false
    changing++
    changes++
    try {
      return await locked(() => ((ran = true), fn())).catch((error) => {
        if (ran) throw error
        return fn()
      })
    } finally {
      changing--
      changes++
      // What the other tabs said meanwhile went unread: storage says where things stand now.
      if (!changing && missed) {
        missed = false
        inbox = inbox.then(() => receive({ type: 'tokensUpdated' })).catch(ignore)
      }
    }
  }

  /**
   * Shows a failure in the state, tells the `error` listeners, and rejects with it. A mere "not signed
   * in" is no news: it changes neither, so asking for a token while signed out leaves the state as it is.
   */
  const fail = (cause: unknown): never => {
    const error = toAuthError(cause)
    if (error.code !== 'login_required') {
      dispatch({ type: 'failed', error })
      emit('error', { error, willRetry: false })
    }
    throw error
  }

  /** Restores the session from storage, once, on first use; outside a browser there is nothing to restore. */
  const start = () => (ready ??= restore())
  const restore = async () => {
    if (typeof window === 'undefined') return
    browser = true
    storage = createClientStorage(config.storage, async (memory, error) => {
      // The session in hand stays: it goes on in memory.
      if (session) await memory.set(sessionKey, session)
      emit('storageFallback', { error })
    })
    const stored = await readSession()
    const expired = stored?.accessToken
    if (stored && (stored.refreshToken || fresh(stored, 0))) return adopt(stored)
    apply(undefined, { type: 'signedOut', reason: stored && 'session_expired' })
    // Under the lock, and only if it is still there: another tab may have stored a sign-in meanwhile.
    if (expired) {
      await exclusively(async () => {
        if ((await readSession())?.accessToken === expired) await storage.del(sessionKey)
      })
    }
  }

  const http = protocolFetch(config.fetch, retry, (error) => emit('error', { error, willRetry: true }))

  const metadataKey = prefix + 'metadata'
  const server = createServerMetadata({
    ...config,
    issuer,
    http,
    read: () => read<CachedMetadata>(metadataKey, (record) => record.expiresAt > now()),
    write: (record) => storage.set(metadataKey, record),
  })

  /** An endpoint from the metadata, as a URL, https unless on loopback. */
  const endpoint = (value: string | undefined) => {
    const url = new URL(value!)
    oauth.checkProtocol(url, !isLoopback(url))
    return url
  }

  /** Sends a token request and stores the validated response as the session. */
  const obtainTokens = async (
    request: (as: oauth.AuthorizationServer, options: HttpOptions) => Promise<Response>,
    process: (as: oauth.AuthorizationServer, client: oauth.Client, response: Response) => Promise<oauth.TokenEndpointResponse>,
    previous: Session | undefined,
    message: TabMessage,
    {
      source,
      beforeRetry,
      signal,
      // What a response without `scope` was granted (RFC 6749 §5.1: as requested).
      requested = config.scope,
    }: { source?: Source; beforeRetry?: (outcome: RetryOutcome) => Promise<boolean>; signal?: AbortSignal; requested?: string } = {},
  ) => {
    const as = await server()
    const response = await process(as, client, await request(as, http(as.token_endpoint, beforeRetry, signal)))
    let next = toSession(response, now(), requested || undefined, previous)
    if (message.type == 'signedIn') {
      // Once per sign-in, never on a refresh: the claims are stored with the session.
      const { session: read, error } = config.userInfo ? await withUserInfo(as, client, next, http) : { session: next }
      await exclusively(() => save((next = read), message, source))
      if (error) {
        dispatch({ type: 'failed', error })
        emit('error', { error, willRetry: false })
      }
      return next
    }
    // A refresh whose session was signed out (or in again) while in flight is stale: the session now
    // in hand, if any, is the answer. So is one whose session left storage meanwhile (changed by a
    // tab that could not get the lock in time): what is stored now.
    const stored = await readSession()
    if (session !== previous) {
      if (session) return session
      throw new AuthError('login_required')
    }
    if (stored?.accessToken !== previous?.accessToken) {
      if (!stored) throw new AuthError('login_required')
      adopt(stored, 'otherTab')
      return stored
    }
    await save(next, message, source)
    return next
  }

  const signIn = async ({ appState, returnTo, prompt, loginHint, scope = config.scope, extraParams }: SignInOptions = {}) => {
    if (returnTo !== undefined && !isSameOriginPath(returnTo)) throw new TypeError('"returnTo" must be a same-origin path')
    await start()
    try {
      const { url, state, transaction } = await createAuthorizationRequest(
        endpoint((await server()).authorization_endpoint),
        {
          ...config.extraAuthorizationParams,
          ...extraParams,
          client_id: clientId,
          redirect_uri: redirectUri,
          scope,
          resource: config.resource,
          prompt,
          login_hint: loginHint,
        },
        { appState, returnTo, scope },
        now(),
        config.signInTimeoutSeconds * 1000,
      )
      await storage.set(transactionKey(state), transaction)
      // A transaction kept only in this page's memory would not survive the redirect.
      if (storage.failure) throw new AuthError('storage_unavailable', undefined, { cause: storage.failure.error })
      await forgetAbandoned(state, transaction.expiresAt).catch(ignore)
      navigate(url)
    } catch (error) {
      fail(error)
    }
  }

  /**
   * Lists this sign-in's transaction, and deletes those of sign-ins that never came back (expired):
   * storage cannot list its keys, so this list is what finds them. Two tabs signing in at once may
   * each drop the other's entry, which only leaves that record for longer.
   */
  const forgetAbandoned = async (state: string, expiresAt: number) => {
    const pending: Record<string, number> = { ...(await read<PendingTransactions>(pendingKey, Boolean))?.states }
    for (const [old, until] of Object.entries(pending)) {
      if (until <= now()) {
        await storage.del(transactionKey(old))
        delete pending[old]
      }
    }
    await storage.set(pendingKey, { v: 1, states: { ...pending, [state]: expiresAt } })
  }

  const isRedirectCallback = (url: string | URL = location.href) => isCallbackUrl(url, redirectUri)

  const completeRedirect = async (url: URL): Promise<RedirectResult> => {
    await start()
    try {
      const expectedState = url.searchParams.get('state')!
      const key = transactionKey(expectedState)
      const transaction = await read<Transaction>(key, (record) => record.expiresAt > now())
      if (!transaction) throw new AuthError('state_mismatch')
      // One transaction, one code exchange.
      await storage.del(key)
      const { nonce } = transaction
      await obtainTokens(
        (as, options) => oauth.authorizationCodeGrantRequest(as, client, oauth.None(),
          oauth.validateAuthResponse(as, client, url, expectedState), redirectUri, transaction.verifier,
          { ...options, additionalParameters }).catch((error) => {
          throw exchangeError(error, as.token_endpoint)
        }),
        (as, client, response) =>
          oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: !!nonce }),
        // A new sign-in carries nothing over (refresh token, ID token, user) from a session in hand.
        undefined,
        { type: 'signedIn' },
        { requested: transaction.scope, beforeRetry: mayResendExchange },
      )
      return { appState: transaction.appState, returnTo: transaction.returnTo }
    } catch (cause) {
      const error = toAuthError(cause)
      // A bad callback does not end a session that is still there.
      if (!session) apply(undefined, { type: 'signedOut', reason: 'callback_failed', error })
      return fail(error)
    }
  }

  const handleRedirect = (url: string | URL = location.href) => {
    const href = String(url)
    let result = redirects.get(href)
    // No authorization response here: nothing to exchange or clean up, and the state stays as restored.
    if (!result && !isResponseUrl(href)) return start().then((): never => {
      throw new AuthError('not_a_callback', undefined, { url: href })
    })
    if (!result) {
      redirects.set(href, (result = completeRedirect(new URL(href))))
      // Whatever happens next, the response leaves the address bar, so a reload never replays it.
      // A second call reading the address (React StrictMode) finds the same result under the clean one.
      if (typeof location !== 'undefined' && location.href === href) {
        history.replaceState(history.state, '', withoutResponseParams(href))
        redirects.set(location.href, result)
      }
    }
    return result
  }

  /** Renews the session; concurrent callers in this tab share one refresh, and the tabs take turns under a lock. */
  const refresh = (ms: number | undefined, source: Source) =>
    (refreshing ??= refreshSession(ms, source).finally(() => {
      refreshing = undefined
    }))

  const refreshSession = async (ms: number | undefined, source: Source): Promise<Session> => {
    // The session the outcome applies to: the one in hand, or the one another tab stored meanwhile.
    let current = session
    let rotated: Session | undefined
    let ended = false
    try {
      if (!current?.refreshToken) throw new AuthError('login_required')
      if (!online()) throw new AuthError('network')
      return await locked(async () => {
        // The previous holder may have refreshed (or ended) the session: storage has the truth.
        const stored = await readSession()
        if (session && stored?.accessToken !== session.accessToken) {
          if (!stored) {
            apply(undefined, { type: 'signedOut', reason: 'session_expired' })
            throw new AuthError('login_required')
          }
          adopt(stored, 'otherTab')
        }
        // Another tab renewed the session meanwhile (found here, or told over the channel): no request.
        if (session !== current && fresh(session, ms)) return session
        current = session
        if (!current?.refreshToken) throw new AuthError('login_required')
        const sent = current.refreshToken
        try {
          renewal = { of: current, controller: new AbortController() }
          return await obtainTokens(
            (as, options) => oauth.refreshTokenGrantRequest(as, client, oauth.None(), sent, { ...options, additionalParameters }),
            oauth.processRefreshTokenResponse,
            current,
            { type: 'tokensUpdated' },
            {
              source,
              // After a lost response, a retry would present a spent token if another tab rotated it already.
              beforeRetry: async () => !(rotated = await readSession().then((s) => (s && s.refreshToken !== sent ? s : undefined))),
              signal: renewal.controller.signal,
            },
          )
        } catch (error) {
          if (!rotated || session !== current) throw await end(error)
          adopt(rotated, 'otherTab')
          return rotated
        }
      })
    } catch (cause) {
      const error = await end(cause)
      // Signed out meanwhile (here or in another tab), or another sign-in took its place: the
      // refresh's failure is no news, and the session in hand (if any) is the answer.
      if (!ended && (!session || session.id !== current?.id)) {
        if (session) return session
        throw new AuthError('login_required')
      }
      return fail(error)
    } finally {
      renewal = undefined
    }

    /**
     * Ends the session when the server ended it, or when it ran out with nothing to renew it. Under
     * the lock, this happens before the next tab holds it: that tab then finds no session and sends nothing.
     */
    async function end(cause: unknown) {
      const error = toAuthError(cause)
      if (current && session === current && (error.code === 'invalid_grant' || (!current.refreshToken && !fresh(current, 0)))) {
        ended = true
        emit('sessionExpired', { error })
        await signedOut('session_expired', current, error)
      }
      return error
    }
  }

  const token = async (minValidity: number | undefined, forceRefresh: boolean | undefined, source: Source) => {
    const ms = minValidity === undefined ? undefined : minValidity * 1000
    // The hot path: no storage read, no await.
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    await start()
    if (!forceRefresh && fresh(session, ms)) return session.accessToken
    // A token that cannot be renewed is still worth using while it lasts.
    if (!session?.refreshToken && fresh(session, 0)) return session.accessToken
    try {
      return (await refresh(ms, source)).accessToken
    } catch (error) {
      // A refresh that failed for now does not take away a token that still works.
      if ((error as AuthError).retryable && !forceRefresh && fresh(session, 0)) return session.accessToken
      throw error
    }
  }

  const getAccessToken = ({ minValidity, forceRefresh }: GetAccessTokenOptions = {}) => token(minValidity, forceRefresh, 'demand')

  const signOut = async ({ revoke = true, redirect = false }: SignOutOptions = {}) => {
    await start()
    // On a server there is nothing stored and no tab to tell.
    if (!browser) return
    const previous = session
    // Shown and told at once. Storage follows under the lock, once a refresh under way in another tab
    // has landed: what it stored of this session is deleted too, and its tokens revoked with these. A
    // sign-in stored since (another session) stays.
    if (previous) {
      // Told first: an app may dispose the client as soon as the state says signed out.
      tabs()?.post({ type: 'signedOut', reason: 'signed_out', id: previous.id })
      apply(undefined, { type: 'signedOut', reason: 'signed_out' })
    }
    const stored = await exclusively(async () => {
      const stored = await readSession()
      // A sign-in stored since is another session; with none in hand or stored, nothing is left to end.
      if ((stored && previous && stored.id !== previous.id) || !(stored || previous)) return
      await signedOut('signed_out', previous)
      return stored
    })
    const tokens = new Set([previous, stored].flatMap((s) => (revoke && s ? [s.refreshToken, s.accessToken] : [])))
    tokens.delete(undefined)
    if (!tokens.size && !redirect) return
    try {
      const as = await server()
      if (as.revocation_endpoint) {
        // A server that cannot revoke them keeps the tokens until they expire; the redirect still happens.
        await Promise.all([...tokens].map(async (token) => oauth.processRevocationResponse(
          await oauth.revocationRequest(as, client, oauth.None(), token!, http(as.revocation_endpoint))))).catch(ignore)
      }
      if (redirect && as.end_session_endpoint) {
        navigate(withParams(endpoint(as.end_session_endpoint), {
          client_id: clientId,
          id_token_hint: (stored ?? previous)?.idToken,
          post_logout_redirect_uri: config.postLogoutRedirectUri,
        }))
      }
    } catch {
      // Signed out here already; without the server's metadata there is nothing to revoke or redirect to.
    }
  }

  const listen = (type: string, listener: Listener[1]) => {
    const entry: Listener = [type, listener]
    start()
    listeners.add(entry)
    effects()
    return () => {
      listeners.delete(entry)
      effects()
    }
  }

  return {
    signIn,
    isRedirectCallback,
    handleRedirect,
    getAccessToken,
    fetch: bearerFetch(getAccessToken, config.fetch),
    signOut,
    getState: () => (start(), state),
    subscribe: (listener) => listen('change', listener),
    on: listen,
    dispose() {
      disposed = true
      listeners.clear()
      effects()
      channel?.close()
    },
  }
}
