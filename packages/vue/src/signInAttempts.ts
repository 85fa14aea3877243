// The guard's loop breaker, as @pkce-auth/react's. A redirect loop reloads the page each time, so the
// attempts are kept in sessionStorage (per tab, survives the round trip to the authorization server);
// memory is the fallback where sessionStorage is missing or throws. The same key: one count per tab.
const key = 'pkce-auth:sign-in-attempts'
let memory: number[] = []

/** Records an automatic sign-in attempt; false, recording nothing, when 3 happened within a minute. Internal. */
export function allowSignInAttempt(now = Date.now()): boolean {
  let attempts = memory
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]')
    if (Array.isArray(stored)) attempts = stored
  } catch {
    // keep the in-memory attempts
  }
  attempts = attempts.filter((at) => typeof at === 'number' && now - at < 60_000 && at <= now)
  if (attempts.length >= 3) return false
  memory = [...attempts, now]
  try {
    sessionStorage.setItem(key, JSON.stringify(memory))
  } catch {
    // memory still counts for this page
  }
  return true
}
