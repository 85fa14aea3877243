/**
 * Whether a 401 says the bearer token itself was refused, so that another token may succeed:
 * RFC 6750 §3.1's `invalid_token`. Telnyx documents no `WWW-Authenticate` on its 401s, so a 401
 * without a challenge, or with a Bearer challenge that names no error, counts too; a challenge
 * naming another error (`invalid_request`) or another scheme does not.
 */
export function refusesToken(response: Response): boolean {
  const challenge = response.headers.get('www-authenticate')
  if (challenge === null || challenge.trim() === '') return true
  if (!/(^|,)\s*(bearer|dpop)(\s|,|$)/i.test(challenge)) return false
  const error = /(?:^|[\s,])error\s*=\s*"?([^",\s]*)/i.exec(challenge)?.[1]
  return error === undefined || error === 'invalid_token'
}
