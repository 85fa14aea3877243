// The Telnyx API speaks snake_case and bracketed query keys; the public types are camelCase. These
// functions are the only place where one turns into the other.

type Rename = (key: string) => string

const toCamelKey: Rename = (key) => key.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase())
const toSnakeKey: Rename = (key) => key.replace(/[A-Z]/g, (char) => `_${char.toLowerCase()}`)

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function renameKeys(value: unknown, rename: Rename): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename))
  if (!isPlainObject(value)) return value
  const renamed: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    // `undefined` means "not given": it must not reach the wire as a key.
    if (item !== undefined) renamed[rename(key)] = renameKeys(item, rename)
  }
  return renamed
}

/**
 * Converts a parsed response body to the public camelCase shape, at every depth.
 *
 * Values are untouched: only object keys change (`client_id` → `clientId`).
 */
export function fromWire<T>(value: unknown): T {
  return renameKeys(value, toCamelKey) as T
}

/** Converts public camelCase parameters to the wire's snake_case keys, dropping `undefined` members. */
export function toWire(value: unknown): unknown {
  return renameKeys(value, toSnakeKey)
}

function flatten(prefix: string, value: unknown, into: URLSearchParams): void {
  if (value === undefined || value === null) return
  if (Array.isArray(value)) {
    for (const item of value) flatten(prefix, item, into)
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) flatten(prefix ? `${prefix}[${key}]` : key, item, into)
  } else {
    into.append(prefix, String(value))
  }
}

/**
 * Encodes camelCase parameters as wire key/value pairs: nested objects become bracketed keys
 * (`{ page: { number: 2 } }` → `page[number]=2`), as Telnyx's list endpoints expect; used for query
 * strings and form bodies alike.
 */
export function toSearchParams(params: object | undefined): URLSearchParams {
  const searchParams = new URLSearchParams()
  flatten('', toWire(params ?? {}), searchParams)
  return searchParams
}

/** A response body as JSON when it parses, else the text itself (undefined when empty). */
export function parseBody(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
