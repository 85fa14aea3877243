import { TelnyxApiError } from './telnyxApiError'
import { TelnyxNetworkError } from './telnyxNetworkError'
import { TelnyxPromise } from './telnyxPromise'
import type { TelnyxResponse } from './telnyxPromise'
import { backoffDelayMs, isRetryableResponse, maxServerDelayMs, serverRetryDelayMs } from './retryPolicy'
import { toSearchParams, toWire } from './wireFormat'

/** Per-call options, accepted as the last argument of every client method. */
export interface TelnyxRequestOptions {
  /** Cancels the call, including any wait between retries; it then rejects with a `TelnyxNetworkError` coded `aborted`. */
  signal?: AbortSignal
  /** Overrides the client's `timeoutMs` for each attempt of this call. */
  timeoutMs?: number
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number
  /** Extra request headers. */
  headers?: Record<string, string>
}

/** Where a request's bearer token comes from. */
export interface BearerSource {
  token(options: { forceRefresh: boolean }): Promise<string>
  /** Whether a 401 is worth one forced refresh and one retry (true for an `auth` token source). */
  refreshable: boolean
}

/** How a request authenticates: the client's bearer, nothing, or HTTP Basic client credentials. */
export type RequestAuth = 'bearer' | 'none' | { basic: { username: string; password: string } }

/** One API call, as the resource modules describe it. */
export interface RequestSpec<T> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path below the base URL, starting with `/`. */
  path: string
  /** `wellKnown` resolves `path` against `wellKnownBaseUrl` instead of `baseUrl`. */
  base?: 'api' | 'wellKnown'
  /** camelCase query parameters; nested objects become bracketed keys. */
  query?: object
  /** camelCase JSON body. */
  json?: unknown
  /** camelCase form body (`application/x-www-form-urlencoded`). */
  form?: object
  auth: RequestAuth
  /** Turns the raw body of a 2xx response into the typed result. */
  parse: (raw: unknown) => T
  options?: TelnyxRequestOptions
}

/** The client-wide settings the transport works with. */
export interface TransportConfig {
  baseUrl: string
  wellKnownBaseUrl: string
  maxRetries: number
  timeoutMs: number
  fetch: (input: string, init: RequestInit) => Promise<Response>
  bearer: BearerSource | undefined
}

/** Sends {@link RequestSpec}s: builds the request, applies timeout, cancellation, retries and the 401 refresh. */
export type Transport = <T>(spec: RequestSpec<T>) => TelnyxPromise<T>

const timeoutReason = Symbol('timeout')

function joinUrl(base: string, path: string, query: object | undefined): string {
  const search = toSearchParams(query).toString()
  return `${base.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts, whichever comes first. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  // A `fetch` that ignores its signal (some test doubles, some polyfills) must not keep the caller waiting.
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

type Attempt = { response: Response; raw: unknown } | { failure: TelnyxNetworkError }

/** Creates the function every resource sends its requests through. */
export function createTransport(config: TransportConfig): Transport {
  async function attempt(url: string, init: RequestInit, timeoutMs: number, signal: AbortSignal | undefined): Promise<Attempt> {
    const method = init.method ?? 'GET'
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(timeoutReason), timeoutMs)
    const forwardAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', forwardAbort, { once: true })
    if (signal?.aborted) forwardAbort()
    try {
      // The timeout covers reading the body too: a stalled body is as useless as a stalled connection.
      const response = await raceAbort(config.fetch(url, { ...init, signal: controller.signal }), controller.signal)
      const raw = parseBody(await raceAbort(response.text(), controller.signal))
      return { response, raw }
    } catch (error) {
      if (signal?.aborted) {
        return { failure: new TelnyxNetworkError('aborted', method, url, { cause: signal.reason }) }
      }
      if (controller.signal.aborted && controller.signal.reason === timeoutReason) {
        return { failure: new TelnyxNetworkError('timeout', method, url) }
      }
      return { failure: new TelnyxNetworkError('network', method, url, { cause: error }) }
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', forwardAbort)
    }
  }

  async function headersFor(spec: RequestSpec<unknown>, forceRefresh: boolean): Promise<Headers> {
    const headers = new Headers({ accept: 'application/json' })
    if (spec.json !== undefined) headers.set('content-type', 'application/json')
    if (spec.form !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded')
    if (spec.auth === 'bearer' && config.bearer) {
      headers.set('authorization', `Bearer ${await config.bearer.token({ forceRefresh })}`)
    } else if (typeof spec.auth === 'object') {
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
      const { username, password } = spec.auth.basic
      const encode = (value: string) => toSearchParams({ v: value }).toString().slice(2)
      headers.set('authorization', `Basic ${btoa(`${encode(username)}:${encode(password)}`)}`)
    }
    for (const [name, value] of Object.entries(spec.options?.headers ?? {})) headers.set(name, value)
    return headers
  }

  async function send<T>(spec: RequestSpec<T>): Promise<TelnyxResponse<T>> {
    const base = spec.base === 'wellKnown' ? config.wellKnownBaseUrl : config.baseUrl
    const url = joinUrl(base, spec.path, spec.query)
    const { signal } = spec.options ?? {}
    const maxRetries = spec.options?.maxRetries ?? config.maxRetries
    const timeoutMs = spec.options?.timeoutMs ?? config.timeoutMs
    const body =
      spec.json !== undefined
        ? JSON.stringify(toWire(spec.json))
        : spec.form !== undefined
          ? toSearchParams(spec.form).toString()
          : undefined
    let retries = 0
    let forceRefresh = false
    let refreshed = false

    for (;;) {
      if (signal?.aborted) throw new TelnyxNetworkError('aborted', spec.method, url, { cause: signal.reason })
      const headers = await headersFor(spec, forceRefresh)
      forceRefresh = false
      const result = await attempt(url, { method: spec.method, headers, body }, timeoutMs, signal)

      let delayMs: number
      if ('failure' in result) {
        if (result.failure.code === 'aborted' || retries >= maxRetries) throw result.failure
        delayMs = backoffDelayMs(retries)
      } else {
        const { response, raw } = result
        if (response.ok) {
          if (typeof raw === 'string') {
            // A 2xx that is not JSON (a proxy's HTML page, say) cannot be typed.
            throw new TelnyxApiError({ method: spec.method, url, response, raw })
          }
          return { data: spec.parse(raw), response, raw }
        }
        if (response.status === 401 && spec.auth === 'bearer' && config.bearer?.refreshable && !refreshed) {
          // The token may have been revoked or expired early: one fresh token, one more try.
          refreshed = true
          forceRefresh = true
          continue
        }
        const error = new TelnyxApiError({ method: spec.method, url, response, raw })
        if (retries >= maxRetries || !isRetryableResponse(response)) throw error
        const requested = serverRetryDelayMs(response.headers, Date.now())
        // An hour's Retry-After is an answer for the caller, not a wait to hide inside a call.
        if (requested !== undefined && requested > maxServerDelayMs) throw error
        delayMs = requested ?? backoffDelayMs(retries)
      }

      try {
        await sleep(delayMs, signal)
      } catch (reason) {
        throw new TelnyxNetworkError('aborted', spec.method, url, { cause: reason })
      }
      retries += 1
    }
  }

  return (spec) => new TelnyxPromise(send(spec))
}
