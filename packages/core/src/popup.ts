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

/** The channel a sign-in's response (its URL) comes back on, named by its `state`. */
const channelOf = (state: string) => new BroadcastChannel('pkce-auth:popup:' + state)
// How long a callback page waits for its opener to say it got the response, in ms.
const ACK_MS = 3_000
// How long `closed` must read true before the sign-in ends, in ms: a response sent as the window
// closed itself still wins.
const GRACE_MS = 2_000
// `closed` reading true this soon after the click is what COOP looks like (the link to the window is
// cut as it leaves for the server; it is still open): from then on only the timeout and the signal end it.
const COOP_MS = 6_000

/** The `state` of the last sign-in this page started: its response is exchanged here, never handed over. */
let mine: string | undefined
/** Ends the popup sign-in under way in this page: a second one replaces it. */
let current: ((error: AuthError) => void) | undefined

// On a popup's callback page (the same `redirectUri`): the response goes to the opener, which holds the
// sign-in's promise, over a BroadcastChannel named by `state` (it works where COOP cut `window.opener`)
// and `postMessage` to the opener where there is one. The opener says it got it; else it is gone
// (closed or reloaded), and the person is told to sign in again, with nothing stored.
addOns.popup = (url, forget) => {
  const state = url.searchParams.get('state')!
  if (state === mine) return
  return new Promise((resolve, reject) => {
    const channel = channelOf(state)
    channel.onmessage = () => {
      channel.close()
      close()
      resolve({})
    }
    setTimeout(async () => {
      channel.close()
      await forget()
      reject(new AuthError('popup_closed', 'The page that opened this window is gone: close it and sign in again.'))
    }, ACK_MS)
    channel.postMessage(url.href)
    opener?.postMessage(url.href, location.origin)
  })
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
  const popup = given ?? open('', '_blank', 'popup')
  if (!popup) return Promise.reject(new AuthError('popup_blocked'))
  current?.(new AuthError('popup_closed'))
  return new Promise((resolve, reject) => {
    const start = Date.now()
    let done = false
    let state: string | undefined
    let channel: BroadcastChannel | undefined
    let closedAt: number | undefined
    let sent: string | undefined

    const finish = () => {
      done = true
      current = undefined
      clearInterval(watch)
      channel?.close()
      removeEventListener('message', receive)
    }
    const fail = (error: unknown) => {
      if (done) return
      finish()
      popup.close()
      reject(error)
    }
    // First delivery wins; anything without this sign-in's `state` (parsed without `new URL`, which throws
    // on what a forger may send) or from another origin is ignored. A BroadcastChannel's messages carry
    // their origin too.
    const receive = ({ data, origin }: MessageEvent) => {
      const url = String(data)
      if (done || origin !== location.origin || new URLSearchParams(url.split('?')[1]).get('state') !== state) return
      // Any answer on the channel tells the window its response arrived.
      channel!.postMessage(1)
      finish()
      resolve(auth.handleRedirect(url))
    }
    const watch = setInterval(() => {
      const now = Date.now()
      // "No answer from <authorization endpoint> in time".
      if (now - start > timeoutMs) fail(new AuthError('timeout', undefined, { url: sent }))
      if (popup.closed && now - (closedAt ??= now) >= GRACE_MS && closedAt - start > COOP_MS) cancel()
    }, 500)
    const cancel = () => fail(new AuthError('popup_closed'))
    current = fail
    if (signal?.aborted) cancel()
    signal?.addEventListener('abort', cancel)
    addEventListener('message', receive)

    const go = (url: string) => {
      if (done) return
      state = new URL((sent = url)).searchParams.get('state')!
      mine = state
      channel = channelOf(state)
      channel.onmessage = receive
      popup.location.href = url
    }
    ;(auth.signIn as (options: SignInOptions, go: (url: string) => void) => Promise<void>)(signIn, go).catch(fail)
  })
}
