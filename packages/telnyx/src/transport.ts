import { TelnyxApiError } from './telnyxApiError'
import { TelnyxNetworkError } from './telnyxNetworkError'
import { TelnyxPromise } from './telnyxPromise'
import type { TelnyxResponse } from './telnyxPromise'
import { nonNegativeOption } from './nonNegativeOption'
import { backoffDelayMs, isRetryableResponse, maxServerDelayMs, serverRetryDelayMs } from './retryPolicy'
import { raceAbort, sleep } from './abortable'
import { refusesToken } from './refusesToken'
import { parseBody, toSearchParams, toWire } from './wireFormat'

/** Per-call options, accepted as the last argument of every client method. */
export interface TelnyxRequestOptions {
  /** Cancels the call, including any wait between retries; it then rejects with a `TelnyxNetworkError` coded `aborted`. */
  signal?: AbortSignal
  /** Overrides the client's `timeoutMs` for each attempt of this call (the wait for the bearer token included). */
  timeoutMs?: number
  /** Overrides the client's `maxRetries` for this call (a POST that is not safe to repeat still retries only after a 429 or a 503). */
  maxRetries?: number
  /** Extra request headers. */
  headers?: Record<string, string>
}

/** Where a request's bearer token comes from. */
export interface BearerSource {
  token(options: { forceRefresh: boolean }): Promise<string>
  /**
   * The headers a request carries, when the source makes them (`auth.getAuthorizationHeaders`: with
   * DPoP, `Authorization: DPoP <token>` and a proof for this method and URL); else `Authorization: Bearer`.
   */
  headers?(request: { method: string; url: string }, options: { forceRefresh: boolean }): Promise<Record<string, string>>
  /** Whether a 401 refusing the token is worth a new token and one retry (true for an `auth` token source). */
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
  /**
   * Whether sending the request twice does no more than sending it once. Default: true for GET,
   * PUT and DELETE, false for POST. A request that is not is retried only when the server answered
   * that it did not act on it (429, 503, `x-should-retry: true`), never after a timeout or a network
   * error once it was handed to `fetch`.
   */
  idempotent?: boolean
  /** Turns the raw body of a 2xx response into the typed result; throws when the body is not one. */
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
/** `setTimeout` fires at once for a delay that does not fit in a signed 32-bit integer (about 24.8 days). */
const maxTimerMs = 2 ** 31 - 1

function joinUrl(base: string, path: string, query: object | undefined): string {
  const search = toSearchParams(query).toString()
  return `${base.replace(/\/+$/, '')}${path}${search ? `?${search}` : ''}`
}

/** What one call may take and how often it may be retried, from its options or the client's. */
interface CallLimits {
  timeoutMs: number
  maxRetries: number
}

// `token` is the bearer the request carried; `sent` whether the request was handed to `fetch`, and so
// may have reached the server.
type Attempt = { response: Response; raw: unknown; token: string | undefined } | { failure: TelnyxNetworkError; sent: boolean }

/** The token an `Authorization` header carries, whatever its scheme (`Bearer`, `DPoP`). */
const tokenOf = (headers: Record<string, string>) => headers.authorization?.replace(/^\S+\s+/, '')

/** Creates the function every resource sends its requests through. */
export function createTransport(config: TransportConfig): Transport {
  /**
   * One try: the bearer token (when `bearer` is given), the request and its body, all within
   * `timeoutMs` and the caller's signal. The token source's own failure is thrown as it is.
   */
  async function attempt(
    url: string,
    init: { method: string; headers: Headers; body: string | undefined },
    bearer: (() => Promise<Record<string, string>>) | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<Attempt> {
    const { method } = init
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(timeoutReason), Math.min(timeoutMs, maxTimerMs))
    const forwardAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', forwardAbort, { once: true })
    if (signal?.aborted) forwardAbort()
    let sent = false
    try {
      const headers = new Headers(init.headers)
      // The core may be refreshing the token: that wait is part of the attempt, so the signal and the
      // timeout end it too (the refresh itself goes on, for whoever else needs it). An Authorization
      // header the caller passed in `headers` wins, as every header of theirs does.
      const credentials = bearer && !headers.has('authorization') ? await raceAbort(bearer(), controller.signal) : undefined
      for (const [name, value] of Object.entries(credentials ?? {})) headers.set(name, value)
      const token = credentials && tokenOf(credentials)
      sent = true
      // The timeout covers reading the body too: a stalled body is as useless as a stalled connection.
      const response = await raceAbort(config.fetch(url, { ...init, headers, signal: controller.signal }), controller.signal)
      const raw = parseBody(await raceAbort(response.text(), controller.signal))
      return { response, raw, token }
    } catch (error) {
      if (signal?.aborted) {
        return { failure: new TelnyxNetworkError('aborted', method, url, { cause: signal.reason }), sent }
      }
      if (controller.signal.aborted && controller.signal.reason === timeoutReason) {
        return { failure: new TelnyxNetworkError('timeout', method, url), sent }
      }
      // Before sending, only the token source can fail: its error (the core's AuthError) is the caller's.
      if (!sent) throw error
      return { failure: new TelnyxNetworkError('network', method, url, { cause: error }), sent }
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', forwardAbort)
    }
  }

  /**
   * The token for the next attempt. After a 401 refused `refused`, the current token is read again:
   * when another call has renewed it meanwhile, that one is used, so that calls refused with the same
   * token share one refresh; only when it is still `refused` is a refresh forced.
   */
  async function bearerHeaders(source: BearerSource, refused: string | undefined, request: { method: string; url: string }) {
    const get = async (forceRefresh: boolean) =>
      source.headers ? source.headers(request, { forceRefresh }) : { authorization: `Bearer ${await source.token({ forceRefresh })}` }
    const current = await get(false)
    if (refused === undefined || tokenOf(current) !== refused) return current
    return get(true)
  }

  function headersFor(spec: RequestSpec<unknown>): Headers {
    const headers = new Headers({ accept: 'application/json' })
    if (spec.json !== undefined) headers.set('content-type', 'application/json')
    if (spec.form !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded')
    if (typeof spec.auth === 'object') {
      // RFC 6749 §2.3.1: both parts are form-encoded before they are joined and base64-encoded.
      const { username, password } = spec.auth.basic
      const encode = (value: string) => toSearchParams({ v: value }).toString().slice(2)
      headers.set('authorization', `Basic ${btoa(`${encode(username)}:${encode(password)}`)}`)
    }
    for (const [name, value] of Object.entries(spec.options?.headers ?? {})) headers.set(name, value)
    return headers
  }

  /** The typed result of a 2xx; a body that is not one rejects like any answer the client cannot use. */
  function resultOf<T>(spec: RequestSpec<T>, url: string, response: Response, raw: unknown): T {
    // A 2xx that is not JSON (a proxy's HTML page, say) cannot be typed.
    if (typeof raw === 'string') {
      throw new TelnyxApiError({ method: spec.method, url, response, raw, cause: new TypeError('the response is not JSON') })
    }
    try {
      return spec.parse(raw)
    } catch (cause) {
      throw new TelnyxApiError({ method: spec.method, url, response, raw, cause: cause instanceof Error ? cause : undefined })
    }
  }

  async function send<T>(spec: RequestSpec<T>, { timeoutMs, maxRetries }: CallLimits): Promise<TelnyxResponse<T>> {
    const base = spec.base === 'wellKnown' ? config.wellKnownBaseUrl : config.baseUrl
    const url = joinUrl(base, spec.path, spec.query)
    const { signal } = spec.options ?? {}
    const idempotent = spec.idempotent ?? spec.method !== 'POST'
    const source = spec.auth === 'bearer' ? config.bearer : undefined
    const headers = headersFor(spec)
    const body =
      spec.json !== undefined
        ? JSON.stringify(toWire(spec.json))
        : spec.form !== undefined
          ? toSearchParams(spec.form).toString()
          : undefined
    let retries = 0
    // The token a 401 refused, once one has: the call then gets one retry with another token.
    let refused: string | undefined

    for (;;) {
      if (signal?.aborted) throw new TelnyxNetworkError('aborted', spec.method, url, { cause: signal.reason })
      const bearer = source && (() => bearerHeaders(source, refused, { method: spec.method, url }))
      const result = await attempt(url, { method: spec.method, headers, body }, bearer, timeoutMs, signal)

      let delayMs: number
      if ('failure' in result) {
        const { failure, sent } = result
        if (failure.code === 'aborted' || retries >= maxRetries) throw failure
        // A request that may have reached the server is sent again only if a second copy is harmless.
        if (sent && !idempotent) throw failure
        delayMs = backoffDelayMs(retries)
      } else {
        const { response, raw, token } = result
        if (response.ok) return { data: resultOf(spec, url, response, raw), response, raw }
        if (response.status === 401 && source?.refreshable && refused === undefined && token !== undefined && refusesToken(response)) {
          // The token may have been revoked or expired early: another token, one more try.
          refused = token
          continue
        }
        const error = new TelnyxApiError({ method: spec.method, url, response, raw })
        if (retries >= maxRetries || !isRetryableResponse(response, idempotent)) throw error
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

  return (spec) => {
    // Checked at once, like every other bad argument, rather than as a rejection.
    const limits: CallLimits = {
      timeoutMs: nonNegativeOption(spec.options?.timeoutMs, 'timeoutMs', config.timeoutMs),
      maxRetries: Math.floor(nonNegativeOption(spec.options?.maxRetries, 'maxRetries', config.maxRetries)),
    }
    return new TelnyxPromise(send(spec, limits))
  }
}
