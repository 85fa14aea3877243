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

/** Encodes a path parameter, refusing an empty one (which would silently address the collection). */
export function pathParam(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`)
  return encodeURIComponent(value)
}
