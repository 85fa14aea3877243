// What the popup tests (against the mock in e2e, against oidc-provider in interop) do in the app page:
// a button whose real click calls `signInWithPopup`, and its outcome.
import { chromium } from 'playwright-core'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { chromiumArgs, chromiumPath } from './harness'

/** What a popup sign-in came to in the page. */
export interface Outcome {
  result?: { appState?: unknown; returnTo?: string }
  error?: { name: string; code?: string; message: string }
  /** Milliseconds from the click to the outcome. */
  ms: number
}

/** Chromium that blocks a popup opened without a click, as a browser people use does: Playwright's default turns that off. */
export const launchWithPopupBlocking = () =>
  chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, ignoreDefaultArgs: ['--disable-popup-blocking'] })

/**
 * Adds a button whose click calls `signInWithPopup` with `options` (after `delayMs`, when given) and
 * an abort signal (`window.controller`); its outcome lands in `window.outcome`. With `watchClosed`
 * the click opens the window itself and passes it as `popup`, and `window.closedAfter` is the time
 * from the click until its `closed` first read true (polled every 50 ms).
 */
export const addButton = (page: Page, options: Record<string, unknown> = {}, delayMs?: number, watchClosed = false) =>
  page.evaluate(([options, delayMs, watchClosed]) => {
    const w = window as any
    document.querySelector('#popup')?.remove()
    const button = document.createElement('button')
    button.id = 'popup'
    button.textContent = 'Sign in'
    document.body.append(button)
    w.controller = new AbortController()
    button.onclick = async () => {
      const started = Date.now()
      w.outcome = undefined
      w.closedAfter = undefined
      if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs))
      const popup = watchClosed ? open('', '_blank', 'popup') : undefined
      const watch: any = popup && setInterval(() => popup.closed && (clearInterval(watch), (w.closedAfter = Date.now() - started)), 50)
      w.outcome = w.PkceAuth.signInWithPopup(w.auth, { ...options, ...(popup && { popup }), signal: w.controller.signal }).then(
        (result: unknown) => ({ result, ms: Date.now() - started }),
        (error: any) => ({ error: { name: error.name, code: error.code, message: error.message }, ms: Date.now() - started }),
      )
    }
  }, [options, delayMs, watchClosed] as const)

/** The outcome of the last click, once there is one. */
export const outcome = (page: Page) => page.waitForFunction(() => (window as any).outcome, null, { timeout: 30_000 }).then(() =>
  page.evaluate(() => (window as any).outcome as Promise<Outcome>))

/** True while the last click's sign-in has not settled. */
export const pending = (page: Page) =>
  page.evaluate(() => Promise.race([(window as any).outcome, new Promise((resolve) => setTimeout(resolve, 50, 'pending'))]).then((value) => value === 'pending'))

/**
 * Sends forged callback messages, in the form the callback page sends (the response's URL as a string),
 * so only the checks stop them: from the popup's page (another origin, whose opener is the app) with the
 * sign-in's `state`, and from the app's own origin for another state, on the sign-in's channel and as a
 * message. `forged(state)` makes the URL. Resolves after 500 ms, time enough for one to be taken.
 */
export async function sendForgeries(page: Page, popup: Page, state: string, forged: (state: string) => string) {
  await popup.evaluate((message) => window.opener.postMessage(message, '*'), forged(state))
  await page.evaluate(([name, message]) => {
    new BroadcastChannel(name).postMessage(message)
    window.postMessage(message, location.origin)
  }, [`pkce-auth:popup:${state}`, forged('another-state')] as const)
  await page.waitForTimeout(500)
}

/** The popup's callback page, its opener gone: it says to sign in again (`popup_closed`) and stays open to say so. */
export async function expectOpenerGone(popup: Page) {
  await popup.waitForURL((url) => url.pathname === '/callback')
  await popup.waitForFunction(() => (window as any).callbackError, null, { timeout: 10_000 })
  expect(await popup.evaluate(() => (window as any).callbackError)).toMatchObject({
    code: 'popup_closed',
    message: expect.stringContaining('sign in again'),
  })
  expect(popup.isClosed()).toBe(false)
}

/** The keys of the session and transaction records left in the page's IndexedDB. */
export const storedRecords = (page: Page) => page.evaluate(async () => {
  const open = (name: string) => new Promise<IDBDatabase>((resolve) => (indexedDB.open(name).onsuccess = (e: any) => resolve(e.target.result)))
  const keys: string[] = []
  for (const { name } of await indexedDB.databases()) {
    const db = await open(name!)
    for (const store of Array.from(db.objectStoreNames)) {
      const request = db.transaction(store).objectStore(store).getAllKeys()
      keys.push(...(await new Promise<IDBValidKey[]>((resolve) => (request.onsuccess = () => resolve(request.result)))).map(String))
    }
    db.close()
  }
  return keys.filter((key) => /:session$|:transaction:/.test(key))
})
