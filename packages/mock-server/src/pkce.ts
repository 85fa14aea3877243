/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
export const pkceValuePattern = /^[A-Za-z0-9\-._~]{43,128}$/

/** Whether `verifier` answers `challenge` under `method` (RFC 7636 §4.6). */
export async function verifyPkce(verifier: string, challenge: string, method: 'plain' | 'S256'): Promise<boolean> {
  if (method === 'plain') return verifier === challenge
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
  let binary = ''
  for (const byte of digest) binary += String.fromCharCode(byte)
  const encoded = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  return encoded === challenge
}
