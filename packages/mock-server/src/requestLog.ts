/** One line of the request log. */
export interface MockRequestEntry {
  method: string
  path: string
  /** The `grant_type` of a token request. */
  grantType?: string
  /** The response status; `0` for a dropped connection. */
  status: number
  /** When the request arrived (epoch ms). */
  at: number
  /** The request's `Origin` header, when it had one. */
  origin?: string
}

/** Every request the server answered (except `/__mock/*`), oldest first. */
export interface RequestLog {
  list(): MockRequestEntry[]
  clear(): void
  add(entry: MockRequestEntry): void
}

/** Creates an empty request log. */
export function createRequestLog(): RequestLog {
  let entries: MockRequestEntry[] = []
  return {
    list: () => entries.map((entry) => ({ ...entry })),
    clear: () => {
      entries = []
    },
    add: (entry) => void entries.push(entry),
  }
}
