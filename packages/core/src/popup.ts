import { AuthError } from './authError'
import { addOns } from './internals'
import type { AuthClient, RedirectResult, SignInOptions } from './types'

/** Options of {@link signInWithPopup}. */
export interface PopupSignInOptions extends Pick<SignInOptions, 'appState' | 'returnTo' | 'scope'> {
  /** A window the caller opened itself (in the click handler), used instead of opening one. */
  popup?: Window
  /** How long to wait for the window's answer, in ms. Default 600,000 (10 minutes). */
  timeoutMs?: number
  /** Ends the sign-in (`popup_closed`) when aborted, e.g. when the app leaves the page that asked. */
  signal?: AbortSignal
}

/** The message a popup's callback page sends its opener: the authorization response's URL. */
const TYPE = 'pkce-auth:popup'
// How long a callback page waits for its opener to say it got the response, in ms.
const ACK_MS = 3_000
// How long `closed` must read true before the sign-in ends, in ms: a response sent as the window
// closed itself still wins.
const GRACE_MS = 2_000
// `closed` reading true this soon after the window left for the server is what COOP looks like
// (the link to the window is cut, it is still open): from then on only the timeout and the signal end it.
const COOP_MS = 6_000

/** The sign-ins this page waits for, by `state`: their responses are exchanged here, never handed over. */
const waiting = new Set<string>()
/** Ends the popup sign-in under way in this page: a second one replaces it. */
let current: ((error: AuthError) => void) | undefined

// On a popup's callback page (the same `redirectUri`): the response goes to the opener, which holds the
// sign-in's promise, over a BroadcastChannel named by `state` (it works where COOP cut `window.opener`)
// and `postMessage` to the opener where there is one. The opener says it got it; else it is gone
// (closed or reloaded), and the person is told to sign in again, with nothing stored.
addOns.popup = (url, forget) => {
  const state = url.searchParams.get('state')!
  if (waiting.has(state)) return
  return (async () => {
    const channel = new BroadcastChannel(TYPE + ':' + state)
    try {
      const received = new Promise<boolean>((resolve) => {
        channel.onmessage = ({ data }) => data === 'received' && resolve(true)
        setTimeout(resolve, ACK_MS, false)
      })
      const message = { type: TYPE, url: url.href }
      channel.postMessage(message)
      window.opener?.postMessage(message, location.origin)
      if (!(await received)) {
        await forget()
        throw new AuthError('popup_closed',
          'The page that opened this sign-in window was closed or reloaded, so the sign-in cannot finish: close this window and sign in again.')
      }
    } finally {
      channel.close()
    }
    close()
    return {}
  })()
}

/**
 * Signs in in a popup window, keeping this page and its state: resolves as `handleRedirect` does,
 * once the code is exchanged here. Call it straight from a click handler: the window opens before
 * anything is awaited (a `null` from `window.open` rejects at once with `popup_blocked`), or pass
 * the caller's own `popup`. The window lands on `redirectUri`, whose page (loading this add-on and
 * calling `handleRedirect()` as usual) hands the response back and closes. That works where
 * `Cross-Origin-Opener-Policy` cuts the link to the window, so its `closed` is not trusted alone:
 * read `true` within seconds of leaving for the server it is ignored (COOP), later it ends the sign-in
 * after a grace period; `timeoutMs` (`timeout`) and `signal` (`popup_closed`) always do. A second call
 * replaces the first, which rejects with `popup_closed` and whose window is closed.
 *
 * @example
 * ```ts
 * import { signInWithPopup } from '@pkce-auth/core/popup'
 * button.onclick = () => signInWithPopup(auth, { returnTo: location.pathname }).catch(showError)
 * ```
 */
export function signInWithPopup(auth: AuthClient, options: PopupSignInOptions = {}): Promise<RedirectResult> {
  const { popup: given, timeoutMs = 600_000, signal, ...signIn } = options
  // Before any await: a browser opens a window only in the task of a click.
  const popup = given ?? open('', '_blank', 'popup,width=500,height=640')
  if (!popup) return Promise.reject(new AuthError('popup_blocked'))
  current?.(new AuthError('popup_closed'))
  return new Promise((resolve, reject) => {
    const start = Date.now()
    const stop = new AbortController()
    let state: string | undefined
    let channel: BroadcastChannel | undefined
    let sentAt = 0
    let closedAt: number | undefined

    const finish = () => {
      current = undefined
      clearInterval(watch)
      channel?.close()
      stop.abort()
    }
    const fail = (error: unknown) => {
      if (stop.signal.aborted) return
      finish()
      waiting.delete(state!)
      popup.close()
      reject(error)
    }
    // First delivery wins; anything for another `state` or from another origin is ignored.
    const receive = (data: unknown) => {
      const { type, url } = Object(data)
      try {
        if (stop.signal.aborted || type !== TYPE || !auth.isRedirectCallback(url) || new URL(url).searchParams.get('state') !== state) return
      } catch {
        return
      }
      channel!.postMessage('received')
      finish()
      const result = auth.handleRedirect(url)
      result.finally(() => waiting.delete(state!)).catch(() => {})
      resolve(result)
    }
    const watch = setInterval(() => {
      if (Date.now() - start > timeoutMs) return fail(new AuthError('timeout', 'The sign-in window gave no answer in time.'))
      if (!popup.closed) return
      closedAt ??= Date.now()
      if (!(state && closedAt - sentAt < COOP_MS) && Date.now() - closedAt >= GRACE_MS) fail(new AuthError('popup_closed'))
    }, 500)
    const cancel = () => fail(new AuthError('popup_closed', undefined, { cause: signal!.reason }))
    current = fail
    if (signal?.aborted) return cancel()
    signal?.addEventListener('abort', cancel, stop)
    addEventListener('message', (event) => event.origin === location.origin && receive(event.data), stop)

    const go = (url: string) => {
      if (stop.signal.aborted) return
      state = new URL(url).searchParams.get('state')!
      waiting.add(state)
      channel = new BroadcastChannel(TYPE + ':' + state)
      channel.onmessage = ({ data }) => receive(data)
      sentAt = Date.now()
      popup.location.href = url
    }
    ;(auth.signIn as (options: SignInOptions, go: (url: string) => void) => Promise<void>)(signIn, go).catch(fail)
  })
}
