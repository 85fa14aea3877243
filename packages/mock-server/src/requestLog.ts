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

/** The most recent requests the server answered (except `/__mock/*`), oldest first. */
export interface RequestLog {
  list(): MockRequestEntry[]
  clear(): void
  add(entry: MockRequestEntry): void
}

/** How many entries the log keeps: a ring buffer, so the oldest entry goes when a new one comes. */
export const requestLogSize = 1000

/** The longest path or origin kept in an entry (longer ones are cut, so an entry's size is bounded too). */
const maxFieldLength = 512

/** Creates an empty request log of {@link requestLogSize} entries. */
export function createRequestLog(size = requestLogSize): RequestLog {
  let entries: MockRequestEntry[] = []
  let next = 0
  const cut = (text: string) => (text.length > maxFieldLength ? `${text.slice(0, maxFieldLength)}…` : text)
  return {
    list: () => [...entries.slice(next), ...entries.slice(0, next)].map((entry) => ({ ...entry })),
    clear: () => {
      entries = []
      next = 0
    },
    add(entry) {
      const kept: MockRequestEntry = { ...entry, method: cut(entry.method), path: cut(entry.path) }
      if (entry.origin !== undefined) kept.origin = cut(entry.origin)
      if (entry.grantType !== undefined) kept.grantType = cut(entry.grantType)
      if (entries.length < size) {
        entries.push(kept)
        return
      }
      entries[next] = kept
      next = (next + 1) % size
    },
  }
}
