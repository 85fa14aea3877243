/** The parameters of an authorization response (RFC 6749 §4.1.2, RFC 9207 `iss`). */
const RESPONSE_PARAMS = /^(code|state|iss|error.*)$/

/** `url` with the non-empty `params` added (an array value as one parameter per item), as a string. */
export const withParams = (url: URL, params: Record<string, unknown>) => {
  for (const [name, value] of Object.entries(params)) {
    for (const item of [value || []].flat()) url.searchParams.append(name, item as string)
  }
  return url.href
}

/** `url` (default: the page's address) resolved against the page's address; undefined when it cannot be. */
export const toUrl = (url?: string | URL) => {
  try {
    return new URL(url ?? location.href, globalThis.location?.href)
  } catch {}
}

/**
 * True when `url` is on `redirectUri` (same origin and path) and carries an authorization response: a
 * `code` or an `error`, its `state` matched or not. Elsewhere a `code` is the app's own (a voucher).
 */
export const isResponseUrl = (url: URL | undefined, redirectUri: string): url is URL => {
  const expected = new URL(redirectUri)
  return !!url && url.origin + url.pathname == expected.origin + expected.pathname &&
    (url.searchParams.has('code') || url.searchParams.has('error'))
}

/** True when `url` is an authorization response on `redirectUri` with a `state`. */
export const isCallbackUrl = (url: URL | undefined, redirectUri: string) =>
  isResponseUrl(url, redirectUri) && url.searchParams.has('state')

/** `url` without the authorization response's parameters, so that a reload never replays them. */
export const withoutResponseParams = (url: string) => {
  const clean = new URL(url)
  for (const name of [...clean.searchParams.keys()]) if (RESPONSE_PARAMS.test(name)) clean.searchParams.delete(name)
  return clean
}

/**
 * True for a path on this origin (`/settings?tab=2`). Checked with the URL parser itself, which reads
 * `//x`, `/\x` and `/<tab>/x` (tabs and newlines are dropped) as another host.
 */
export const isSameOriginPath = (path: string) => path[0] === '/' && new URL(path, 'http://a.invalid').host === 'a.invalid'
