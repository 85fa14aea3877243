import { fromWire } from './wireFormat'

/** Parses a `{ data: ... }` envelope into its camelCase `data`. */
export function parseData<T>(raw: unknown): T {
  return fromWire<{ data: T }>(raw).data
}

/** Parses a body that is the result itself (OAuth endpoints have no envelope). */
export function parseBody<T>(raw: unknown): T {
  return fromWire<T>(raw)
}

/** Encodes a path parameter, refusing an empty one (which would silently address the collection). */
export function pathParam(value: string, name: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`"${name}" must be a non-empty string`)
  return encodeURIComponent(value)
}
