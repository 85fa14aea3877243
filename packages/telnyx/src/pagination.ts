import type { Page, PaginationMeta } from './telnyxTypes'
import { fromWire } from './wireFormat'

/**
 * Parses a `{ data, meta }` list body into a {@link Page}. A body without a `data` list throws: read
 * as an empty page, it would end a listing early without a word.
 */
export function parsePage<T>(raw: unknown): Page<T> {
  const body = fromWire<{ data?: unknown; meta?: PaginationMeta } | undefined>(raw)
  if (typeof body !== 'object' || body === null || !Array.isArray(body.data)) throw new TypeError('the response has no "data" list')
  return { data: body.data as T[], meta: body.meta ?? {} }
}

/**
 * Yields every item of every page, starting at `firstPage`, one request per page and only as the
 * caller iterates.
 *
 * It stops on an empty page; on the last page when `meta.total_pages` says so (when the server does
 * not send it, only an empty page ends the list); and when the server answers with a lower page
 * than the one asked for, since a server that clamps out-of-range pages would otherwise repeat its
 * last page forever.
 */
export async function* autoPage<T>(firstPage: number, fetchPage: (pageNumber: number) => Promise<Page<T>>): AsyncGenerator<T, void, undefined> {
  let requested = firstPage
  for (;;) {
    const { data, meta } = await fetchPage(requested)
    if (data.length === 0) return
    const current = meta.pageNumber ?? requested
    if (current < requested) return
    yield* data
    if (meta.totalPages !== undefined && current >= meta.totalPages) return
    requested = current + 1
  }
}
