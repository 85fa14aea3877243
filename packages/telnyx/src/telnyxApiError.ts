import { serverRetryDelayMs } from './retryPolicy'

/** One entry of the Telnyx `errors[]` body shape, in camelCase. */
export interface TelnyxErrorDetail {
  /** Telnyx error code, e.g. `'10009'` (authentication failed) or `'10011'` (rate limited). */
  code: string
  title?: string
  detail?: string
  /** Where in the request the problem is: a JSON pointer into the body or a query parameter name. */
  source?: { pointer?: string; parameter?: string }
  meta?: Record<string, unknown>
}

/** Rate-limit values the server sent with the response (`x-ratelimit-*`, or the IETF draft's `ratelimit-*`). */
export interface TelnyxRateLimit {
  /** Requests allowed in the window. */
  limit?: number
  /** Requests left in the window. */
  remaining?: number
  /** Seconds until the window resets. */
  resetSeconds?: number
}

/** What the transport knows when it builds a {@link TelnyxApiError}. */
export interface TelnyxApiErrorInit {
  method: string
  url: string
  response: Response
  /** The body: parsed JSON when it was JSON, the text otherwise, `undefined` when empty. */
  raw: unknown
  /** Why a 2xx body could not be read as the result (it becomes the error's `cause`). */
  cause?: Error
}

function readNumber(headers: Headers, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = headers.get(name)
    // The IETF draft form carries parameters (`5;w=60`): the number comes first.
    const parsed = value === null ? Number.NaN : Number.parseFloat(value)
    if (Number.isFinite(parsed)) return parsed
  }
  return undefined
}

/** Reads the rate-limit headers of a response; `undefined` when there are none. */
export function readRateLimit(headers: Headers): TelnyxRateLimit | undefined {
  const limit = readNumber(headers, 'x-ratelimit-limit', 'ratelimit-limit')
  const remaining = readNumber(headers, 'x-ratelimit-remaining', 'ratelimit-remaining')
  const resetSeconds = readNumber(headers, 'x-ratelimit-reset', 'ratelimit-reset')
  if (limit === undefined && remaining === undefined && resetSeconds === undefined) return undefined
  return { limit, remaining, resetSeconds }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function toDetail(entry: unknown): TelnyxErrorDetail {
  const item = isRecord(entry) ? entry : {}
  const source = isRecord(item.source) ? item.source : undefined
  return {
    code: String(item.code ?? ''),
    title: typeof item.title === 'string' ? item.title : undefined,
    detail: typeof item.detail === 'string' ? item.detail : undefined,
    source: source && {
      pointer: typeof source.pointer === 'string' ? source.pointer : undefined,
      parameter: typeof source.parameter === 'string' ? source.parameter : undefined,
    },
    meta: isRecord(item.meta) ? item.meta : undefined,
  }
}

function toInvalidFields(value: unknown): Record<string, string[]> | undefined {
  if (!isRecord(value)) return undefined
  const fields: Record<string, string[]> = {}
  for (const [field, messages] of Object.entries(value)) {
    fields[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)]
  }
  return fields
}

/**
 * The server answered with a status outside 2xx (after any retries), or with a 2xx whose body is not
 * the result it should carry (not JSON, empty, no `data`): then `status` is that 2xx and `cause` says
 * what was missing. Such a 2xx is never retried, since the server may have acted on the request.
 *
 * Telnyx uses two body shapes, and this error reads both: the API-wide `{ errors: [{ code, title,
 * detail, source }] }` lands in {@link TelnyxApiError.errors}; the OAuth (RFC 6749) `{ error,
 * error_description, invalid_fields? }` lands in {@link TelnyxApiError.error},
 * {@link TelnyxApiError.errorDescription} and {@link TelnyxApiError.invalidFields}. `code` is whichever
 * of the two the body carried, so one check covers both shapes.
 *
 * @example
 * ```ts
 * try {
 *   await telnyx.oauthClients.get(id)
 * } catch (error) {
 *   if (error instanceof TelnyxApiError && error.status === 404) return undefined
 *   throw error
 * }
 * ```
 */
export class TelnyxApiError extends Error {
  /** HTTP status of the response. */
  readonly status: number
  /** The OAuth `error` (e.g. `'invalid_grant'`) or else the first Telnyx `errors[].code` (e.g. `'10011'`). */
  readonly code: string | undefined
  /** The Telnyx `errors[]` entries; empty when the body had the OAuth shape or none. */
  readonly errors: TelnyxErrorDetail[]
  /** The OAuth `error` member, when the body had the OAuth shape. */
  readonly error: string | undefined
  /** The OAuth `error_description` member. */
  readonly errorDescription: string | undefined
  /** Registration errors (`invalid_client_metadata`): messages per offending wire field name. */
  readonly invalidFields: Record<string, string[]> | undefined
  /** Rate-limit headers of the response, when it had any. */
  readonly rateLimit: TelnyxRateLimit | undefined
  /** The wait the server asked for before a retry (`retry-after-ms`, else `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined
  /** All response headers (e.g. `retry-after`, `x-request-id`). */
  readonly headers: Headers
  /** The body as received: parsed JSON with wire names, the text when it was not JSON. */
  readonly raw: unknown
  /** Request method. */
  readonly method: string
  /** Request URL. */
  readonly url: string

  constructor({ method, url, response, raw, cause }: TelnyxApiErrorInit) {
    const body = isRecord(raw) ? raw : {}
    const errors = Array.isArray(body.errors) ? body.errors.map(toDetail) : []
    const error = typeof body.error === 'string' ? body.error : undefined
    const errorDescription = typeof body.error_description === 'string' ? body.error_description : undefined
    const first = errors[0]
    const summary = errorDescription ?? first?.detail ?? first?.title ?? error ?? cause?.message ?? response.statusText
    super(`${method} ${url} failed with ${response.status}${summary ? `: ${summary}` : ''}`, cause && { cause })
    this.name = 'TelnyxApiError'
    this.status = response.status
    this.errors = errors
    this.error = error
    this.errorDescription = errorDescription
    this.code = error ?? (first?.code || undefined)
    this.invalidFields = toInvalidFields(body.invalid_fields)
    this.rateLimit = readRateLimit(response.headers)
    this.retryAfterMs = serverRetryDelayMs(response.headers, Date.now())
    this.headers = response.headers
    this.raw = raw
    this.method = method
    this.url = url
  }
}
