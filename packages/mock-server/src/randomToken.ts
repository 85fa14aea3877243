/** A URL-safe random string carrying `bytes` bytes of entropy (codes, refresh tokens, consent tokens, secrets). */
export function randomToken(bytes = 32): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes))
  let binary = ''
  for (const byte of data) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** A random RFC 9562 version 4 uuid. */
export function randomUuid(): string {
  return crypto.randomUUID()
}

/** Seconds since the epoch, the unit of JWT times. */
export function epochSeconds(now = Date.now()): number {
  return Math.floor(now / 1000)
}
