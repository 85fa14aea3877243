/** One invalid field: where it is and what is wrong. */
export interface FieldError {
  field: string
  message: string
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** An absolute http(s) URL (logo, policy and terms links). */
export function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string' || !URL.canParse(value)) return false
  const { protocol } = new URL(value)
  return protocol === 'https:' || protocol === 'http:'
}

/**
 * A redirect URI a client may register: absolute, no fragment (RFC 6749 §3.1.2), `https`, `http` only on
 * loopback (RFC 8252 §7.3), or a private-use scheme for native apps; never `javascript:`/`data:`.
 */
export function redirectUriProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return 'must be an absolute URI'
  const url = new URL(value)
  if (url.hash || value.includes('#')) return 'must not contain a fragment'
  if (['javascript:', 'data:', 'vbscript:', 'file:'].includes(url.protocol)) return 'uses a forbidden scheme'
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname)) return 'may use http only on loopback hosts'
  return undefined
}

/** RFC 6749 §3.3 scope-token characters. */
export const scopeTokenPattern = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** Checks a string array; returns the problem, if any. */
export function stringArrayProblem(value: unknown, allowed?: readonly string[]): string | undefined {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) return 'must be an array of strings'
  if (allowed) {
    const bad = value.find((item) => !allowed.includes(item as string))
    if (bad !== undefined) return `contains "${bad}", which is not one of ${allowed.join(', ')}`
  }
  return undefined
}
