import type { Context } from 'hono'
import type { AppEnv } from './appEnv'
import { duplicateJsonKey } from './jsonDuplicates'

/** A parsed request body, or why it could not be parsed. */
export type ParsedBody<T> = { ok: true; value: T } | { ok: false; description: string }

const isJson = (contentType: string) => /^application\/([\w.+-]+\+)?json\b/i.test(contentType)
const isForm = (contentType: string) => /^application\/x-www-form-urlencoded\b/i.test(contentType)

/**
 * Reads OAuth parameters from a form-encoded or JSON body (Telnyx accepts both). Every value must be a
 * string and no parameter may repeat (RFC 6749 §3.2).
 */
export function readParams(c: Context<AppEnv>): ParsedBody<Record<string, string>> {
  const contentType = c.req.header('content-type') ?? ''
  const text = c.get('bodyText')
  if (isForm(contentType) || (contentType === '' && text === '')) {
    // No prototype: a parameter named `__proto__` or `constructor` is just a name.
    const params: Record<string, string> = Object.create(null)
    for (const [key, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(params, key)) return { ok: false, description: `Parameter ${JSON.stringify(key.slice(0, 100))} is repeated` }
      params[key] = value
    }
    return { ok: true, value: params }
  }
  if (isJson(contentType)) {
    const parsed = parseJsonObject(text)
    if (!parsed.ok) return parsed
    const params: Record<string, string> = Object.create(null)
    for (const [key, value] of Object.entries(parsed.value)) {
      if (value === undefined || value === null) continue
      if (typeof value !== 'string') return { ok: false, description: `Parameter ${JSON.stringify(key.slice(0, 100))} must be a string` }
      params[key] = value
    }
    return { ok: true, value: params }
  }
  return { ok: false, description: 'The body must be application/x-www-form-urlencoded or application/json' }
}

/** Reads a JSON object body (registration and the management API). */
export function readJsonObject(c: Context<AppEnv>): ParsedBody<Record<string, unknown>> {
  const contentType = c.req.header('content-type') ?? ''
  if (!isJson(contentType)) return { ok: false, description: 'The body must be application/json' }
  return parseJsonObject(c.get('bodyText'))
}

function parseJsonObject(text: string): ParsedBody<Record<string, unknown>> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, description: 'The body is not valid JSON' }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, description: 'The body must be a JSON object' }
  }
  const repeated = duplicateJsonKey(text)
  if (repeated !== undefined) return { ok: false, description: `Member ${JSON.stringify(repeated.slice(0, 100))} is repeated` }
  return { ok: true, value: value as Record<string, unknown> }
}
