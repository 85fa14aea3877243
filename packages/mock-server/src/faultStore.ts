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

/** Checks an untrusted fault (e.g. from `POST /__mock/faults`) and normalises `count`. */
export function parseFault(input: unknown): MockFault {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault must be an object')
  const raw = input as Record<string, unknown>
  const known = ['path', 'method', 'status', 'count', 'headers', 'body', 'delayMs', 'drop']
  const unknown = Object.keys(raw).find((key) => !known.includes(key))
  if (unknown) throw new TypeError(`unknown fault field "${unknown}"`)
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw new TypeError('"path" must start with "/"')
  if (raw.method !== undefined && (typeof raw.method !== 'string' || !/^[A-Za-z]+$/.test(raw.method))) {
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
    const headers = raw.headers
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers) ||
      Object.values(headers).some((value) => typeof value !== 'string')) {
      throw new TypeError('"headers" must be an object of strings')
    }
  }
  if (raw.status === undefined && raw.delayMs === undefined && raw.drop !== true) {
    throw new TypeError('a fault needs "status", "delayMs" or "drop"')
  }
  const fault: MockFault = { path: raw.path, count: count as number }
  if (raw.method !== undefined) fault.method = (raw.method as string).toUpperCase()
  if (raw.status !== undefined) fault.status = raw.status as number
  if (raw.headers !== undefined) fault.headers = raw.headers as Record<string, string>
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
