import type { AuthClient } from '@pkce-auth/core'

type RedirectResult = Awaited<ReturnType<AuthClient['handleRedirect']>>

// One callback per client, whatever React does: StrictMode runs effects twice and a provider may
// remount, but a code can be redeemed only once. The core memoises too; this keeps React's promise
// (and whether `onRedirect` already ran) on the client itself, not on a component instance.
const handled = new WeakMap<AuthClient, Promise<RedirectResult>>()
const pending = new WeakSet<AuthClient>()
const delivered = new WeakSet<AuthClient>()
// Clients whose provider has looked at the page: from then on `pending` alone says whether a
// callback is under way, with no address to parse on every render.
const looked = new WeakSet<AuthClient>()
const watchers = new WeakMap<AuthClient, Set<() => void>>()

/** Starts (once per client) or joins the handling of the current page's callback. Internal. */
export function handleRedirectOnce(client: AuthClient): Promise<RedirectResult> | undefined {
  looked.add(client)
  let promise = handled.get(client)
  if (!promise && client.isRedirectCallback()) {
    pending.add(client)
    promise = client.handleRedirect()
    handled.set(client, promise)
    // The core records a failed callback in its state (`signedOut`, `callback_failed`); this also
    // keeps the rejection from being reported as unhandled. Registered first, so the hooks show the
    // outcome before `onRedirect` (or anyone else awaiting the promise) hears of it.
    const done = () => {
      pending.delete(client)
      for (const watcher of [...(watchers.get(client) ?? [])]) watcher()
    }
    promise.then(done, done)
  }
  return promise
}

/** True while the page is a callback that has not been fully handled yet. Internal. */
export const isHandlingRedirect = (client: AuthClient): boolean =>
  pending.has(client) || (!looked.has(client) && client.isRedirectCallback())

/** Calls `watcher` when the handling of a callback ends; returns the function that stops it. Internal. */
export function watchRedirect(client: AuthClient, watcher: () => void): () => void {
  let set = watchers.get(client)
  if (!set) watchers.set(client, (set = new Set()))
  const entry = () => watcher()
  set.add(entry)
  return () => void set.delete(entry)
}

/** True the first time it is asked for a client, so `onRedirect` runs once. Internal. */
export function claimRedirect(client: AuthClient): boolean {
  if (delivered.has(client)) return false
  delivered.add(client)
  return true
}
