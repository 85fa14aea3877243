// End-to-end harness: the mock authorization server and a small app page on 127.0.0.1, driven in the
// system Chromium. The page loads the core as a script-tag bundle built from source, so it runs
// exactly what users import, in a real browser with real IndexedDB, Web Locks and BroadcastChannel.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { createMockServer } from '@pkce-auth/mock-server'
import type { MockFault, MockRequestEntry, MockServer, MockServerOptions } from '@pkce-auth/mock-server'

/** Where Debian installs Chromium (`.ci/run` installs it when missing); never a downloaded build. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium'

/** The flags every test launch of Chromium uses (headless, no sandbox, no background traffic). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** The client id the harness registers with the mock server. */
export const clientId = 'e2e-app'

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Passed to `createMockServer`; the app's client is added to `clients`, `autoApprove` defaults to true. */
  mockOptions?: MockServerOptions
  /** Extra options for `createAuthClient` in the page (JSON only), e.g. `{ refreshLeewaySeconds: 5 }`. */
  clientOptions?: Record<string, unknown>
  /** The page's `plugins`, as script source over `PkceAuth` (which has every add-on), e.g. `'[PkceAuth.dpop()]'`. */
  plugins?: string
  /**
   * A browser from {@link launchBrowser} to open this harness's context in, so that many harnesses
   * share one Chromium; `close()` then closes only the context. By default the harness launches its own.
   */
  browser?: Browser
}

/** What the page records of each `auth.on(name, detail)` event: errors reduced to code, message and `retryable`. */
export interface PageEvent {
  name: string
  /** `Date.now()` in the page when the event fired. */
  at: number
  detail: Record<string, unknown>
}

/** A request a tab sent (or tried to send: offline attempts count) to the mock server. */
export interface PageRequest {
  method: string
  path: string
  /** `Date.now()` in Node when the browser reported it. */
  at: number
}

/** How a `getAccessToken()` call in a page ended. */
export type TokenOutcome = { token: string } | { error: { code: string; message: string; retryable?: boolean } }

/** A state as the page reports it: `AuthState` with `error` reduced to its code and message. */
export interface PageState {
  status: 'loading' | 'signedIn' | 'signedOut'
  reason?: string
  user?: Record<string, unknown>
  scope?: string
  expiresAt?: number
  error?: { code: string; message: string; retryable?: boolean }
}

/** What {@link startHarness} resolves to. Call `close()` in `afterAll`/`afterEach`. */
export interface Harness {
  /** `http://127.0.0.1:PORT` of the app page. */
  appUrl: string
  /** `http://127.0.0.1:PORT` of the mock server (the issuer). */
  mockUrl: string
  /** The mock server itself: `requests`, `faults`, `grants`, `revokeGrant`, ... */
  mock: MockServer
  /** The browser context: the tabs share its storage; `setOffline` drives connectivity. */
  context: BrowserContext
  /**
   * Opens a tab on `/app.html` and waits until its client exists, any callback was handled and the
   * session was restored (the state is no longer `loading`). A page whose script threw rejects here, with its errors.
   */
  openTab(path?: string): Promise<Page>
  /** Signs in from `page` through the mock's auto-approval; resolves once the page is `signedIn`. */
  signIn(page: Page): Promise<void>
  /** Opens `count` tabs, signs in from the first, and resolves once every one of them is `signedIn`. */
  openSignedInTabs(count: number): Promise<Page[]>
  /** The page's current state. */
  state(page: Page): Promise<PageState>
  /** Every state the page's client has had since the page loaded, in order. */
  states(page: Page): Promise<PageState[]>
  /**
   * When each entry of {@link Harness.states} arrived (`Date.now()` and `performance.now()` in the page),
   * with `performance.now()` before the core's script loaded (`scriptStart`) and at the top of the app's
   * script, once the core is loaded (`appStart`).
   */
  stateTimes(page: Page): Promise<{ scriptStart: number; appStart: number; states: Array<{ at: number; perf: number }> }>
  /** Every `auth.on` event of the page since it loaded (none when the client has no `on`). */
  events(page: Page): Promise<PageEvent[]>
  /** Requests the tab sent, or tried to send, to the mock server since it opened (reloads included). */
  pageRequests(page: Page): PageRequest[]
  /** Calls `auth.getAccessToken(options)` in the page and reports how it ended, never throwing. */
  getAccessToken(page: Page, options?: { minValidity?: number; forceRefresh?: boolean }): Promise<TokenOutcome>
  /**
   * Moves the page client's clock (its `now` option) forward by `ms`, as if the tab had slept that
   * long: timers already set do not fire, but every expiry check from now on sees the later time.
   */
  advanceClock(page: Page, ms: number): Promise<void>
  /** {@link Harness.advanceClock} for several tabs by the same amount, so their clocks stay in step. */
  advanceClocks(pages: Page[], ms: number): Promise<void>
  /** Reloads the tab and waits as {@link Harness.openTab} does. */
  reload(page: Page): Promise<void>
  /**
   * Changes one byte of the ciphertext (its first binary field, else its longest string) of the first
   * IndexedDB record whose key contains `keyPart`, the way disk corruption or someone editing the
   * profile would; resolves to the record's key.
   */
  tamperRecord(page: Page, keyPart: string): Promise<string>
  /** Waits until the page's state has `status` (and, when given, `reason`). */
  waitForStatus(page: Page, status: PageState['status'], options?: { reason?: string; timeoutMs?: number }): Promise<PageState>
  /** Uncaught exceptions and `console.error` messages of the page so far. */
  errors(page: Page): string[]
  /**
   * Like {@link Harness.errors} without the browser's own network lines ("Failed to load resource: ...
   * 503"), which Chromium logs for every failed response whatever the script does with it.
   */
  exceptions(page: Page): string[]
  /** The mock server's request log (`/__mock/*` excluded). */
  requests(): MockRequestEntry[]
  clearRequests(): void
  /** Adds a fault to the mock server, e.g. `{ path: '/v2/oauth/token', status: 503, count: 2 }`. */
  fault(fault: MockFault): void
  clearFaults(): void
  /** Every token response body the browser received (`access_token`, `refresh_token`, ...) and has been read so far. */
  tokenResponses(): Record<string, unknown>[]
  /** {@link Harness.tokenResponses} once the bodies of the responses already received are read too. */
  settledTokenResponses(): Promise<Record<string, unknown>[]>
  /**
   * Everything the origin stores, as one string: each IndexedDB database's records (binary data
   * decoded as Latin-1, so a token stored as bytes still shows), localStorage, sessionStorage and
   * the context's cookies.
   */
  dumpStorage(page: Page): Promise<string>
  /** Closes the browser (only the context when it was given one) and both servers. */
  close(): Promise<void>
}

/** Launches the system Chromium, headless, for {@link startHarness}'s `browser` option. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
}

let bundle: Promise<string> | undefined

/**
 * The core as a script-tag bundle (`window.PkceAuth`, the core and every add-on, as `pkce-auth.global.js`),
 * built once per process (the interop suite loads it too).
 */
export function coreBundle() {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL('../../packages/core/src/global.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    globalName: 'PkceAuth',
    platform: 'browser',
    target: 'es2022',
    write: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text)
  return bundle
}

// The app: creates a client, handles a callback, and records every state (and event) for the test to
// read. Its clock is the page's `Date.now()` plus `window.clockOffsetMs`, which a test moves forward to
// stand for time the tab spent asleep.
export const appPage = (config: Record<string, unknown>, plugins = '[]') => `<!doctype html>
<meta charset="utf-8">
<title>pkce-auth e2e</title>
<script>window.scriptStart = performance.now()</script>
<script src="/core.js"></script>
<script>
  window.appStart = performance.now()
  const plain = (value) => value instanceof Error
    ? { code: value.code, message: value.message, retryable: value.retryable }
    : value
  const snapshot = (state) => state.error ? { ...state, error: plain(state.error) } : { ...state }
  window.clockOffsetMs = 0
  const auth = PkceAuth.createAuthClient({
    ...${JSON.stringify(config)},
    redirectUri: location.origin + '/callback',
    now: () => Date.now() + window.clockOffsetMs,
    plugins: ${plugins},
  })
  window.auth = auth
  window.states = [snapshot(auth.getState())]
  window.stateTimes = [{ at: Date.now(), perf: performance.now() }]
  window.events = []
  auth.subscribe(() => {
    window.states.push(snapshot(auth.getState()))
    window.stateTimes.push({ at: Date.now(), perf: performance.now() })
  })
  if (typeof auth.on === 'function') {
    for (const name of ['signedIn', 'tokenRefreshed', 'sessionExpired', 'signedOut', 'storageFallback', 'error']) {
      auth.on(name, (detail) => {
        const fields = Object.entries(detail ?? {}).map(([key, value]) => [key, plain(value)])
        window.events.push({ name, at: Date.now(), detail: Object.fromEntries(fields) })
      })
    }
  }
  window.ready = (auth.isRedirectCallback() ? auth.handleRedirect() : Promise.resolve()).then(
    () => {},
    (error) => { window.callbackError = { code: error.code, message: error.message } },
  )
</script>
`

/**
 * Starts the mock server and the app server on 127.0.0.1 (free ports) and Chromium with a fresh
 * profile.
 *
 * @example
 * const harness = await startHarness()
 * const tab = await harness.openTab()
 * await harness.signIn(tab)
 * await harness.close()
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const script = await coreBundle()
  let config: Record<string, unknown> = {}

  const app = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (pathname === '/core.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' })
      response.end(script)
    } else if (pathname === '/app.html' || pathname === '/callback') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      response.end(appPage(config, options.plugins))
    } else if (pathname === '/favicon.ico') {
      response.writeHead(204).end()
    } else {
      response.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
  const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`

  const { mockOptions = {} } = options
  const mock = createMockServer({
    autoApprove: true,
    ...mockOptions,
    clients: [...(mockOptions.clients ?? []), { clientId, redirectUris: [`${appUrl}/callback`] }],
  })
  const listener = await mock.listen(0, '127.0.0.1')
  const mockUrl = listener.url
  config = { issuer: mockUrl, clientId, scope: 'admin', ...options.clientOptions }

  let browser: Browser
  try {
    browser = options.browser ?? (await launchBrowser())
  } catch (error) {
    await listener.close()
    await new Promise((resolve) => app.close(resolve))
    throw error
  }
  const context = await browser.newContext()

  const tokenResponses: Record<string, unknown>[] = []
  // Reading a body takes a round trip to the browser: a test that just saw a call resolve waits for these.
  const pendingBodies = new Set<Promise<void>>()
  context.on('response', (response) => {
    if (new URL(response.url()).pathname !== '/v2/oauth/token' || response.request().method() !== 'POST') return
    const read = response.json().then(
      (body: Record<string, unknown>) => void (body?.access_token && tokenResponses.push(body)),
      () => {},
    )
    pendingBodies.add(read)
    void read.finally(() => pendingBodies.delete(read))
  })

  const pageErrors = new WeakMap<Page, string[]>()
  const pageNetwork = new WeakMap<Page, PageRequest[]>()
  const state = (page: Page) => page.evaluate(() => (window as unknown as { states: PageState[] }).states.at(-1)!)
  // The client exists, any callback was handled, and the session was restored (the state left `loading`).
  const ready = async (page: Page) => {
    await page.evaluate(() => (window as unknown as { ready?: Promise<void> }).ready)
    if (!(await page.evaluate(() => 'states' in window))) {
      throw new Error(`The app page did not start: ${harness.errors(page).join('\n') || 'no error reported'}`)
    }
    await page.waitForFunction(() => (window as unknown as { states: PageState[] }).states.at(-1)!.status !== 'loading', null, {
      timeout: 10_000,
    })
  }

  const harness: Harness = {
    appUrl,
    mockUrl,
    mock,
    context,
    async openTab(path = '/app.html') {
      const page = await context.newPage()
      const errors: string[] = []
      pageErrors.set(page, errors)
      page.on('pageerror', (error) => errors.push(String(error)))
      page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())))
      const network: PageRequest[] = []
      pageNetwork.set(page, network)
      page.on('request', (request) => {
        const url = new URL(request.url())
        if (url.origin === mockUrl && !url.pathname.startsWith('/__mock/')) {
          network.push({ method: request.method(), path: url.pathname, at: Date.now() })
        }
      })
      await page.goto(appUrl + path)
      await ready(page)
      return page
    },
    async signIn(page) {
      await Promise.all([
        page.waitForURL((url) => url.pathname === '/callback'),
        page.evaluate(() => void (window as unknown as { auth: { signIn(): Promise<void> } }).auth.signIn()),
      ])
      await page.evaluate(() => (window as unknown as { ready: Promise<void> }).ready)
      const error = await page.evaluate(() => (window as unknown as { callbackError?: unknown }).callbackError)
      if (error) throw new Error(`The callback failed: ${JSON.stringify(error)}`)
      await harness.waitForStatus(page, 'signedIn')
    },
    async openSignedInTabs(count) {
      const first = await harness.openTab()
      await harness.signIn(first)
      const tabs = [first]
      while (tabs.length < count) tabs.push(await harness.openTab())
      await Promise.all(tabs.map((tab) => harness.waitForStatus(tab, 'signedIn')))
      return tabs
    },
    state,
    states: (page) => page.evaluate(() => (window as unknown as { states: PageState[] }).states),
    async waitForStatus(page, status, { reason, timeoutMs = 10_000 } = {}) {
      await page.waitForFunction(
        ([status, reason]) => {
          const state = (window as unknown as { states: PageState[] }).states.at(-1)!
          return state.status === status && (reason === undefined || state.reason === reason)
        },
        [status, reason] as const,
        { timeout: timeoutMs },
      )
      return state(page)
    },
    stateTimes: (page) =>
      page.evaluate(() => {
        const w = window as unknown as { scriptStart: number; appStart: number; stateTimes: Array<{ at: number; perf: number }> }
        return { scriptStart: w.scriptStart, appStart: w.appStart, states: w.stateTimes }
      }),
    events: (page) => page.evaluate(() => (window as unknown as { events: PageEvent[] }).events),
    pageRequests: (page) => [...(pageNetwork.get(page) ?? [])],
    getAccessToken: (page, options) =>
      page.evaluate(
        (options) =>
          (window as unknown as { auth: { getAccessToken(o?: object): Promise<string> } }).auth.getAccessToken(options).then(
            (token) => ({ token }),
            (error) => ({ error: { code: error?.code, message: String(error?.message), retryable: error?.retryable } }),
          ),
        options,
      ),
    async advanceClock(page, ms) {
      await page.evaluate((ms) => void ((window as unknown as { clockOffsetMs: number }).clockOffsetMs += ms), ms)
    },
    async advanceClocks(pages, ms) {
      await Promise.all(pages.map((page) => harness.advanceClock(page, ms)))
    },
    async reload(page) {
      await page.reload()
      await ready(page)
    },
    tamperRecord: (page, keyPart) =>
      page.evaluate(async (keyPart) => {
        const request = <T>(req: IDBRequest<T>) =>
          new Promise<T>((resolve, reject) => {
            req.onsuccess = () => resolve(req.result)
            req.onerror = () => reject(req.error)
          })
        // The ciphertext: the first binary field, else the longest string (base64), searched depth-first.
        const flip = (value: unknown): boolean => {
          if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
            const bytes = value instanceof ArrayBuffer ? new Uint8Array(value)
              : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
            if (!bytes.length) return false
            bytes[bytes.length >> 1]! ^= 0x01
            return true
          }
          if (!value || typeof value !== 'object') return false
          if (Object.values(value).some(flip)) return true
          const record = value as Record<string, unknown>
          const [field] = Object.keys(record)
            .filter((key) => typeof record[key] === 'string' && (record[key] as string).length >= 16)
            .sort((a, b) => (record[b] as string).length - (record[a] as string).length)
          if (field === undefined) return false
          const text = record[field] as string
          const middle = text.length >> 1
          record[field] = text.slice(0, middle) + (text[middle] === 'A' ? 'B' : 'A') + text.slice(middle + 1)
          return true
        }
        const keys: string[] = []
        for (const { name } of await indexedDB.databases()) {
          if (!name) continue
          const db = await request(indexedDB.open(name))
          try {
            for (const storeName of Array.from(db.objectStoreNames)) {
              const store = (mode: IDBTransactionMode) => db.transaction(storeName, mode).objectStore(storeName)
              const key = (await request(store('readonly').getAllKeys())).find((key) => {
                keys.push(String(key))
                return String(key).includes(keyPart)
              })
              if (key === undefined) continue
              const value = await request(store('readonly').get(key))
              if (!flip(value)) throw new Error(`The record "${String(key)}" holds no binary data or long string to tamper with`)
              await request(store('readwrite').put(value, key))
              return String(key)
            }
          } finally {
            db.close()
          }
        }
        throw new Error(`No IndexedDB record key contains "${keyPart}"; keys: ${keys.join(', ')}`)
      }, keyPart),
    errors: (page) => [...(pageErrors.get(page) ?? [])],
    exceptions: (page) => (pageErrors.get(page) ?? []).filter((message) => !message.startsWith('Failed to load resource')),
    requests: () => mock.requests.list(),
    clearRequests: () => mock.requests.clear(),
    fault: (fault) => mock.faults.add(fault),
    clearFaults: () => mock.faults.clear(),
    tokenResponses: () => [...tokenResponses],
    async settledTokenResponses() {
      await Promise.all(pendingBodies)
      return [...tokenResponses]
    },
    async dumpStorage(page) {
      const inPage = await page.evaluate(async () => {
        const text = (value: unknown): unknown => {
          if (value instanceof ArrayBuffer) return new TextDecoder('latin1').decode(value)
          if (ArrayBuffer.isView(value)) return new TextDecoder('latin1').decode(value)
          if (value instanceof CryptoKey) return `[CryptoKey ${value.algorithm.name}]`
          if (Array.isArray(value)) return value.map(text)
          if (value && typeof value === 'object') {
            return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, text(inner)]))
          }
          return value
        }
        const request = <T>(req: IDBRequest<T>) =>
          new Promise<T>((resolve, reject) => {
            req.onsuccess = () => resolve(req.result)
            req.onerror = () => reject(req.error)
          })
        const databases: Record<string, unknown> = {}
        for (const { name } of await indexedDB.databases()) {
          if (!name) continue
          const db = await request(indexedDB.open(name))
          const stores: Record<string, unknown> = {}
          for (const storeName of Array.from(db.objectStoreNames)) {
            const store = db.transaction(storeName, 'readonly').objectStore(storeName)
            const [keys, values] = await Promise.all([request(store.getAllKeys()), request(store.getAll())])
            stores[storeName] = keys.map((key, i) => [text(key), text(values[i])])
          }
          db.close()
          databases[name] = stores
        }
        return {
          indexedDB: databases,
          localStorage: { ...localStorage },
          sessionStorage: { ...sessionStorage },
          documentCookie: document.cookie,
        }
      })
      const cookies = await context.cookies()
      return JSON.stringify({ ...inPage, cookies })
    },
    async close() {
      await (options.browser ? context.close() : browser.close()).catch(() => {})
      await listener.close()
      await new Promise((resolve) => {
        app.close(resolve)
        app.closeAllConnections()
      })
    },
  }
  return harness
}
