import { fromWire } from './wireFormat'

/** Parses a `{ data: ... }` envelope into its camelCase `data`. */
export function parseData<T>(raw: unknown): T {
  if (typeof raw !== 'object' || raw === null || !('data' in raw)) {
    throw new TypeError('the response has no "data" envelope')
  }
  return fromWire<{ data: T }>(raw).data
}

/** Parses a body that is the result itself (OAuth endpoints have no envelope). */
export function parseBody<T>(raw: unknown): T {
  if (typeof raw !== 'object' || raw === null) throw new TypeError('the response body is not a JSON object')
  return fromWire<T>(raw)
}

/**
 * Encodes a path parameter. An empty one would silently address the collection, and `.` or `..`
 * another path altogether (URLs resolve them as dot-segments, even encoded), so those are refused.
 */
export function pathParam(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`)
  if (value === '.' || value === '..') throw new TypeError(`"${name}" must not be "." or ".."`)
  return encodeURIComponent(value)
}
