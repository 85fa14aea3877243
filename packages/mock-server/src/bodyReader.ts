import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './appEnv'

/**
 * Reads the request body once, up to `maxBytes`, into the `bodyText` variable; a larger body (by
 * `Content-Length` or by counting a streamed one) gets `tooLarge` without being read further.
 */
export function bodyReader(maxBytes: number, tooLarge: (c: Context<AppEnv>) => Response): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('bodyText', '')
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next()
    const declared = c.req.header('content-length')
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(c)
    const stream = c.req.raw.body
    if (!stream) return next()
    const reader = stream.getReader()
    const chunks: Uint8Array[] = []
    let size = 0
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>
      try {
        result = await reader.read()
      } catch {
        // The client went away mid-body; treat what arrived as the body (the handler will reject it).
        break
      }
      if (result.done) break
      size += result.value.byteLength
      if (size > maxBytes) {
        void reader.cancel().catch(() => {})
        return tooLarge(c)
      }
      chunks.push(result.value)
    }
    const bytes = new Uint8Array(size)
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
    c.set('bodyText', new TextDecoder().decode(bytes))
    return next()
  }
}

/** The `grant_type` of a form or JSON token request body, for the request log. */
export function grantTypeOf(text: string, contentType: string | undefined): string | undefined {
  try {
    if (/json/i.test(contentType ?? '')) {
      const value = (JSON.parse(text) as { grant_type?: unknown } | null)?.grant_type
      return typeof value === 'string' ? value : undefined
    }
    return new URLSearchParams(text).get('grant_type') ?? undefined
  } catch {
    return undefined
  }
}
