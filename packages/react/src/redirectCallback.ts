import type { AuthClient } from '@pkce-auth/core'

type RedirectResult = Awaited<ReturnType<AuthClient['handleRedirect']>>

// One callback per client, whatever React does: StrictMode runs effects twice and a provider may
// remount, but a code can be redeemed only once. The core memoises too; this keeps React's promise
// (and whether `onRedirect` already ran) on the client itself, not on a component instance. While it
// is under way the core's own state stays `loading`: no flag of React's says so.
const handled = new WeakMap<AuthClient, Promise<RedirectResult>>()
const delivered = new WeakSet<AuthClient>()

/** Starts (once per client) or joins the handling of the current page's callback. Internal. */
export function handleRedirectOnce(client: AuthClient): Promise<RedirectResult> | undefined {
  let promise = handled.get(client)
  if (!promise && client.isRedirectCallback()) {
    promise = client.handleRedirect()
    handled.set(client, promise)
    // The core records a failed callback in its state (`signedOut`, `callback_failed`); this keeps
    // the rejection from being reported as unhandled.
    promise.catch(() => {})
  }
  return promise
}

/** True the first time it is asked for a client, so `onRedirect` runs once. Internal. */
export function claimRedirect(client: AuthClient): boolean {
  if (delivered.has(client)) return false
  delivered.add(client)
  return true
}
