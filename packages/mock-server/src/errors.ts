import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './appEnv'

/** The RFC 6749 §5.2 error codes (and RFC 7591's) the server answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'

/** Telnyx's `errors[]` codes, by HTTP status. */
export const telnyxErrors = {
  400: { code: '10015', title: 'Bad request' },
  401: { code: '10009', title: 'Authentication failed' },
  403: { code: '10010', title: 'Authorization failed' },
  404: { code: '10005', title: 'Resource not found' },
  405: { code: '10015', title: 'Method not allowed' },
  413: { code: '10015', title: 'Request entity too large' },
  422: { code: '10015', title: 'Invalid parameter' },
  429: { code: '10011', title: 'Too many requests' },
  500: { code: '10007', title: 'Unexpected error' },
  503: { code: '10007', title: 'Service unavailable' },
} as const

/** The status codes with a Telnyx error code. */
export type TelnyxErrorStatus = keyof typeof telnyxErrors

/** Where a Telnyx error points: a JSON pointer into the body or a query parameter. */
export type ErrorSource = { pointer: string } | { parameter: string }

/** RFC 6749 JSON error with `Cache-Control: no-store`; a 401 carries a Basic challenge (RFC 6749 §5.2). */
export function oauthError(
  c: Context<AppEnv>,
  status: ContentfulStatusCode,
  error: OAuthErrorCode,
  description: string,
  extra: Record<string, unknown> = {},
) {
  c.header('Cache-Control', 'no-store')
  c.header('Pragma', 'no-cache')
  if (status === 401) c.header('WWW-Authenticate', `Basic realm="${c.get('issuer')}", charset="UTF-8"`)
  return c.json({ error, error_description: description, ...extra }, status)
}

/** Telnyx's `{ errors: [{ code, title, detail, source }] }` error body. */
export function telnyxErrorBody(status: TelnyxErrorStatus, detail: string, source?: ErrorSource) {
  const { code, title } = telnyxErrors[status]
  return { errors: [{ code, title, detail, ...(source ? { source } : {}) }] }
}

/** Answers with Telnyx's error shape. */
export function apiError(c: Context<AppEnv>, status: TelnyxErrorStatus, detail: string, source?: ErrorSource) {
  return c.json(telnyxErrorBody(status, detail, source), status)
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char)
}

/** The HTML page `/authorize` shows instead of redirecting to an unverified redirect URI (as Telnyx does). */
export function htmlErrorPage(c: Context<AppEnv>, status: 400 | 404 | 422, error: string, description: string) {
  c.header('Cache-Control', 'no-store')
  return c.html(
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Authorization error</title></head>
<body>
<main>
<h1>Authorization error</h1>
<p id="error" data-error="${escapeHtml(error)}">${escapeHtml(error)}</p>
<p id="error-description">${escapeHtml(description)}</p>
</main>
</body>
</html>
`,
    status,
  )
}

/** An RFC 6901 JSON pointer to a top-level member. */
export function pointerTo(field: string): string {
  return `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`
}

/** A 422 listing every invalid field of a JSON body, each with its `source.pointer`. */
export function validationError(c: Context<AppEnv>, problems: Array<{ field: string; message: string }>) {
  const { code, title } = telnyxErrors[422]
  return c.json(
    { errors: problems.map(({ field, message }) => ({ code, title, detail: `${field} ${message}`, source: { pointer: pointerTo(field) } })) },
    422,
  )
}
