// Names under which oauth4webapi's errors keep what a request or response carried: a token response's
// body (`access_token`, ...), an authorization response's parameters (`code`), a JWT's signing input
// and signature (`data`, `signature`: together, the token).
const SECRET_NAMES = /^(access_token|refresh_token|id_token|code|code_verifier|token|client_secret|assertion|data|signature)$/
// A compact JWS or JWE: oauth4webapi keeps an ID token it cannot parse as the cause itself.
const JWT = /^[\w-]+\.[\w-]*\.[\w-]*/
const REDACTED = '[redacted]'

/** True for a `Response` of any realm (as oauth4webapi checks it). */
export const isResponse = (value: unknown): value is Response =>
  (typeof Response !== 'undefined' && value instanceof Response) || Object(value)[Symbol.toStringTag] === 'Response'

/** Gives `response` the URL it was fetched from when it has none (one rebuilt from a body has no `url`). */
export function withUrl(response: Response, url: string | URL | undefined): Response {
  try {
    if (!response.url && url) Object.defineProperty(response, 'url', { value: String(url) })
  } catch {
    // A response that cannot take it is shown without its URL.
  }
  return response
}

/** The same response without its body, which may hold tokens: status, headers and URL stay. */
function withoutBody(response: Response) {
  const { status, statusText, headers, url } = response
  try {
    return withUrl(new Response(null, { status, statusText, headers }), url)
  } catch {
    // A status a Response cannot be built with (0 for a redirect not followed).
    return { status, statusText, url }
  }
}

/** A copy of `value` with whatever could carry a secret replaced; errors are changed in place. */
function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return JWT.test(value) ? REDACTED : value
  if (Object(value) !== value) return value
  if (depth > 5 || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return REDACTED
  if (isResponse(value)) return withoutBody(value)
  if (value instanceof URLSearchParams) {
    const copy = new URLSearchParams(value)
    for (const name of new Set(copy.keys())) if (SECRET_NAMES.test(name)) copy.set(name, REDACTED)
    return copy
  }
  if (value instanceof Error) {
    // V8's JSON.parse quotes the text it could not parse: a token response's body, say.
    if (value.name === 'SyntaxError') value.message = 'the response body is not valid JSON'
    const holder = value as { cause?: unknown; response?: unknown }
    if ('cause' in value) holder.cause = redact(holder.cause, depth + 1)
    // oauth4webapi's ResponseBodyError and WWWAuthenticateChallengeError keep the Response (non-enumerable).
    if (isResponse(holder.response)) Object.defineProperty(value, 'response', { value: withoutBody(holder.response) })
    return value
  }
  const prototype = Object.getPrototypeOf(value)
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1))
  if (prototype !== Object.prototype && prototype !== null) return value
  return Object.fromEntries(
    Object.entries(value as object).map(([name, item]) => [name, SECRET_NAMES.test(name) ? REDACTED : redact(item, depth + 1)]),
  )
}

/**
 * Takes out of an error everything that could carry a token, an authorization code or a PKCE
 * verifier, before it is kept as an `AuthError`'s `cause` (and so shown in state, logs and error
 * views): response bodies, an authorization response's `code`, a token response's tokens, an ID
 * token. An error keeps its identity, class, `code` and message; what it holds is replaced by
 * copies without those values. Other values pass through.
 */
export const redactSecrets = <T>(cause: T): T => redact(cause, 0) as T
