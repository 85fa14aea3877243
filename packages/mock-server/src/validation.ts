/** One invalid field: where it is and what is wrong. */
export interface FieldError {
  field: string
  message: string
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]'])

/** An absolute http(s) URL (logo, policy and terms links). */
export function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > maxRedirectUriLength || /[\s\x00-\x1f\x7f]/.test(value)) return false
  if (!URL.canParse(value)) return false
  const { protocol } = new URL(value)
  return protocol === 'https:' || protocol === 'http:'
}

/** The most redirect URIs one client may have, and the longest one (bounds on memory and on the CORS set). */
export const maxRedirectUris = 20
export const maxRedirectUriLength = 2000

/** RFC 8252 §7.1: a private-use scheme in reverse-domain form, e.g. `com.example.app`. */
const privateUseScheme = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/

/**
 * A redirect URI a client may register, per RFC 8252 and the OAuth 2.0 security BCP (RFC 9700 §2.1):
 * absolute, with no whitespace, userinfo or fragment (RFC 6749 §3.1.2); `https`; `http` only on a
 * loopback host (RFC 8252 §7.3); or a private-use scheme in reverse-domain form (§7.1). Everything else
 * (`javascript:`, `data:`, `blob:`, `about:`, `view-source:`, `ws:`, `file:`…) is refused.
 */
export function redirectUriProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must be an absolute URI'
  if (value.length > maxRedirectUriLength) return `must be at most ${maxRedirectUriLength} characters`
  // The URL parser strips leading and trailing whitespace and drops tabs and newlines: refuse them first.
  if (/[\s\x00-\x1f\x7f]/.test(value)) return 'must not contain whitespace or control characters'
  if (value.includes('#')) return 'must not contain a fragment'
  if (!URL.canParse(value)) return 'must be an absolute URI'
  const url = new URL(value)
  const scheme = url.protocol.slice(0, -1)
  if (scheme === 'https' || scheme === 'http') {
    if (url.username || url.password || /^[a-z]+:\/\/[^/?]*@/i.test(value)) return 'must not contain userinfo'
    // The parser reads `https:///cb` as host "cb": the URI as written must have its authority.
    if (!url.hostname || !/^https?:\/\/[^/?#\\]/i.test(value)) return 'must name a host'
    if (scheme === 'http' && !loopbackHosts.has(url.hostname)) return 'may use http only on loopback hosts'
    return undefined
  }
  if (!privateUseScheme.test(scheme)) {
    return 'must use https, http on loopback, or a private-use scheme in reverse-domain form (com.example.app:/cb)'
  }
  if (/^[a-z0-9.-]+:\/\/[^/?]*@/i.test(value)) return 'must not contain userinfo'
  return undefined
}

/** Checks a list of redirect URIs (at most {@link maxRedirectUris}); returns each problem with its URI. */
export function redirectUrisProblems(value: unknown): string[] {
  const arrayProblem = stringArrayProblem(value)
  if (arrayProblem) return [arrayProblem]
  const uris = value as string[]
  if (uris.length > maxRedirectUris) return [`must list at most ${maxRedirectUris} URIs`]
  return uris.flatMap((uri) => {
    const problem = redirectUriProblem(uri)
    return problem ? [`${JSON.stringify(uri.slice(0, 100))} ${problem}`] : []
  })
}

/** The web origin CORS may allow for a redirect URI: only `https` and loopback `http` have one (never `null`). */
export function redirectUriOrigin(uri: string): string | undefined {
  if (!URL.canParse(uri)) return undefined
  const url = new URL(uri)
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined
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
