import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { apiError } from './errors'

/** Telnyx's `oauth_PaginationMeta`. */
export interface PaginationMeta {
  page_number: number
  page_size: number
  total_pages: number
  total_results: number
}

/**
 * One page of `items` as Telnyx's `{ data, meta }` envelope, from `page[number]` (default 1, ≥ 1) and
 * `page[size]` (default 20, 1–100). A bad value is a 422 whose `source.parameter` names it.
 */
export function paginate<T, R>(
  c: Context<AppEnv>,
  items: T[],
  toRecord: (item: T) => R,
): { ok: true; body: { data: R[]; meta: PaginationMeta } } | { ok: false; response: Response } {
  const read = (parameter: string, fallback: number, max: number) => {
    const raw = c.req.query(parameter)
    if (raw === undefined) return fallback
    const value = Number(raw)
    return /^\d+$/.test(raw) && value >= 1 && value <= max ? value : undefined
  }
  const pageNumber = read('page[number]', 1, Number.MAX_SAFE_INTEGER)
  if (pageNumber === undefined) {
    return { ok: false, response: apiError(c, 422, 'page[number] must be an integer of at least 1.', { parameter: 'page[number]' }) }
  }
  const pageSize = read('page[size]', 20, 100)
  if (pageSize === undefined) {
    return { ok: false, response: apiError(c, 422, 'page[size] must be an integer from 1 to 100.', { parameter: 'page[size]' }) }
  }
  const start = (pageNumber - 1) * pageSize
  return {
    ok: true,
    body: {
      data: items.slice(start, start + pageSize).map(toRecord),
      meta: {
        page_number: pageNumber,
        page_size: pageSize,
        total_pages: Math.ceil(items.length / pageSize),
        total_results: items.length,
      },
    },
  }
}
