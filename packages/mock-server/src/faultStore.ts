/** A failure injected into the next `count` requests to `path`. */
export interface MockFault {
  /** Exact request path, e.g. `/v2/oauth/token`. */
  path: string
  /** Only requests with this method; any method but `OPTIONS` when missing (preflights are never faulted by accident). */
  method?: string
  /** Answer with this status instead of handling the request. */
  status?: number
  /** How many requests the fault applies to. Default 1; `Infinity` (or `null` over HTTP) for all. */
  count?: number
  /** Extra response headers, e.g. `{ 'retry-after': '2' }`. */
  headers?: Record<string, string>
  /** The response body (a string as-is, anything else as JSON); a fitting error body by default. */
  body?: unknown
  /** Wait this long first, then answer (with `status`, or normally). */
  delayMs?: number
  /** Drop the connection: the in-process `fetch` rejects with a `TypeError`, the real server destroys the socket. */
  drop?: boolean
}

/** The pending faults. */
export interface FaultStore {
  /** Adds a fault after validating it; throws a `TypeError` naming the bad field. */
  add(fault: MockFault): void
  clear(): void
  /** Pending faults with their remaining counts. */
  list(): MockFault[]
  /** Consumes one use of the first fault matching the request. */
  take(method: string, path: string): MockFault | undefined
}

/** Bounds on what a fault may carry. */
export const faultLimits = { pending: 1000, pathLength: 512, headers: 32, headerValueLength: 1024, bodyBytes: 16 * 1024 }

// RFC 9110 §5.1 field names are tokens; §5.5 field values are visible characters with inner spaces/tabs.
const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const fieldValuePattern = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/
// Hop-by-hop and framing headers would break the connection (a wrong content-length hangs the client);
// the rest would let a fault widen CORS, set cookies on the loopback host or lift the sandbox.
const forbiddenHeaders = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-authenticate', 'proxy-authorization', 'content-length', 'content-encoding', 'host', 'set-cookie',
  'content-security-policy', 'x-content-type-options',
])

function headersProblem(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return '"headers" must be an object of strings'
  const entries = Object.entries(headers)
  if (entries.length > faultLimits.headers) return `"headers" may have at most ${faultLimits.headers} entries`
  for (const [name, value] of entries) {
    const lower = name.toLowerCase()
    if (!tokenPattern.test(name)) return `header name ${JSON.stringify(name.slice(0, 40))} is not an RFC 9110 token`
    if (forbiddenHeaders.has(lower) || lower.startsWith('access-control-')) return `header "${lower}" may not be injected`
    if (typeof value !== 'string' || value.length > faultLimits.headerValueLength || !fieldValuePattern.test(value)) {
      return `header "${lower}" needs a value of visible ASCII characters (at most ${faultLimits.headerValueLength})`
    }
  }
  return undefined
}

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength

/** Checks an untrusted fault (e.g. from `POST /__mock/faults`) and normalises `count`; throws a `TypeError` naming the problem. */
export function parseFault(input: unknown): MockFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault must be an object')
  const raw = input as Record<string, unknown>
  const known = ['path', 'method', 'status', 'count', 'headers', 'body', 'delayMs', 'drop']
  const unknown = Object.keys(raw).find((key) => !known.includes(key))
  if (unknown) throw new TypeError(`unknown fault field ${JSON.stringify(unknown.slice(0, 40))}`)
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/') || raw.path.length > faultLimits.pathLength || /[\s\x00-\x1f\x7f]/.test(raw.path)) {
    throw new TypeError(`"path" must start with "/", have no whitespace and be at most ${faultLimits.pathLength} characters`)
  }
  if (raw.method !== undefined && (typeof raw.method !== 'string' || !/^[A-Za-z]{1,16}$/.test(raw.method))) {
    throw new TypeError('"method" must be an HTTP method')
  }
  if (raw.status !== undefined && !(Number.isInteger(raw.status) && (raw.status as number) >= 200 && (raw.status as number) <= 599)) {
    throw new TypeError('"status" must be an integer from 200 to 599')
  }
  const count = raw.count === undefined ? 1 : raw.count === null || raw.count === 'Infinity' ? Infinity : raw.count
  if (!(count === Infinity || (Number.isInteger(count) && (count as number) >= 1))) {
    throw new TypeError('"count" must be a positive integer or Infinity')
  }
  if (raw.delayMs !== undefined && !(typeof raw.delayMs === 'number' && raw.delayMs >= 0 && raw.delayMs <= 600_000)) {
    throw new TypeError('"delayMs" must be a number of milliseconds up to 600000')
  }
  if (raw.drop !== undefined && typeof raw.drop !== 'boolean') throw new TypeError('"drop" must be a boolean')
  if (raw.headers !== undefined) {
    const problem = headersProblem(raw.headers)
    if (problem) throw new TypeError(problem)
  }
  if (raw.body !== undefined) {
    const text = typeof raw.body === 'string' ? raw.body : JSON.stringify(raw.body)
    if (byteLength(text) > faultLimits.bodyBytes) throw new TypeError(`"body" must be at most ${faultLimits.bodyBytes} bytes`)
    if (raw.status === 204 || raw.status === 205 || raw.status === 304) throw new TypeError(`a ${raw.status} fault has no body`)
  }
  if ((raw.headers !== undefined || raw.body !== undefined) && raw.status === undefined) {
    throw new TypeError('"headers" and "body" need a "status"')
  }
  if (raw.status === undefined && raw.delayMs === undefined && raw.drop !== true) {
    throw new TypeError('a fault needs "status", "delayMs" or "drop"')
  }
  const fault: MockFault = { path: raw.path, count: count as number }
  if (raw.method !== undefined) fault.method = (raw.method as string).toUpperCase()
  if (raw.status !== undefined) fault.status = raw.status as number
  if (raw.headers !== undefined) fault.headers = { ...(raw.headers as Record<string, string>) }
  if (raw.body !== undefined) fault.body = raw.body
  if (raw.delayMs !== undefined) fault.delayMs = raw.delayMs
  if (raw.drop !== undefined) fault.drop = raw.drop
  return fault
}

/** Creates an empty fault store. */
export function createFaultStore(): FaultStore {
  let faults: Array<MockFault & { count: number }> = []
  return {
    add(fault) {
      const parsed = parseFault(fault)
      if (faults.length >= faultLimits.pending) throw new TypeError(`at most ${faultLimits.pending} faults may be pending`)
      faults.push({ ...parsed, count: parsed.count ?? 1 })
    },
    clear() {
      faults = []
    },
    list: () => faults.map((fault) => ({ ...fault })),
    take(method, path) {
      const upper = method.toUpperCase()
      const fault = faults.find(
        (candidate) =>
          candidate.path === path && (candidate.method ? candidate.method === upper : upper !== 'OPTIONS'),
      )
      if (!fault) return undefined
      fault.count -= 1
      if (fault.count <= 0) faults = faults.filter((candidate) => candidate !== fault)
      return { ...fault }
    },
  }
}
