import type { AuthClient } from '@pkce-auth/core'

type RedirectResult = Awaited<ReturnType<AuthClient['handleRedirect']>>

// One callback per client, whatever React does: StrictMode runs effects twice and a provider may
// remount, but a code can be redeemed only once. The core memoises too; this keeps React's promise
// (and whether `onRedirect` already ran) on the client itself, not on a component instance.
const handled = new WeakMap<AuthClient, Promise<RedirectResult>>()
const pending = new WeakSet<AuthClient>()
const delivered = new WeakSet<AuthClient>()

/** Starts (once per client) or joins the handling of the current page's callback. Internal. */
export function handleRedirectOnce(client: AuthClient): Promise<RedirectResult> | undefined {
  let promise = handled.get(client)
  if (!promise && client.isRedirectCallback()) {
    pending.add(client)
    promise = client.handleRedirect()
    handled.set(client, promise)
    // The core records a failed callback in its state (`signedOut`, `callback_failed`); this catch
    // only keeps the rejection from being reported as unhandled.
    promise.catch(() => {}).finally(() => pending.delete(client))
  }
  return promise
}

/** True while the page is a callback that has not been fully handled yet. Internal. */
export const isHandlingRedirect = (client: AuthClient): boolean =>
  pending.has(client) || (!handled.has(client) && client.isRedirectCallback())

/** True the first time it is asked for a client, so `onRedirect` runs once. Internal. */
export function claimRedirect(client: AuthClient): boolean {
  if (delivered.has(client)) return false
  delivered.add(client)
  return true
}
