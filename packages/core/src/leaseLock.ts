import type { AuthPlugin } from './plugins'
import { sleep as wait } from './retryFetch'
import type { AuthStorage } from './storage'

/** Options of {@link leaseLock}. */
export interface LeaseLockOptions {
  /** How long a lease lasts unless renewed, in ms: the longest a tab that died holding it blocks the others. Default 5,000. */
  leaseMs?: number
}

interface Lease {
  owner: number
  expiresAt: number
}


/**
 * The refresh lock for browsers without Web Locks (Safari before 15.4, Firefox before 96): a lease
 * record in IndexedDB that the holder renews while it refreshes and that other tabs take over once it
 * expires, so a tab closed mid-refresh blocks the others for at most `leaseMs`. Where Web Locks exist
 * it is not used. Without it (and without Web Locks), each tab refreshes on its own: with rotating
 * refresh tokens, two tabs refreshing at once then end the session.
 *
 * @example
 * ```ts
 * import { leaseLock } from '@pkce-auth/core/lease-lock'
 * const auth = createAuthClient({ issuer, clientId, redirectUri, plugins: [leaseLock()] })
 * ```
 */
export function leaseLock({ leaseMs = 5_000 }: LeaseLockOptions = {}): AuthPlugin {
  return {
    name: 'leaseLock',
    lock: (name, fn, { timeoutMs, storage }) => (storage ? withLease(name, fn, storage, timeoutMs, leaseMs) : fn()),
  }
}

async function withLease<T>(name: string, fn: () => Promise<T>, storage: AuthStorage, timeoutMs: number, leaseMs: number) {
  const deadline = Date.now() + timeoutMs
  const key = 'lock:' + name
  const owner = Math.random()
  const lease = () => storage.set(key, { owner, expiresAt: Date.now() + leaseMs })
  const mine = async () => (await storage.get<Lease>(key))?.owner === owner
  for (;;) {
    if (!((await storage.get<Lease>(key))?.expiresAt! > Date.now())) {
      await lease()
      // A tab that read the free lease just before we wrote may write too: give its write time to
      // land, and keep the lease only if ours is the one that stayed.
      await wait(30)
      if (await mine()) break
    }
    if (Date.now() > deadline) throw new DOMException('Lock wait timed out', 'TimeoutError')
    await wait(50 + Math.random() * 50)
  }
  // A failing storage must neither surface as an unhandled rejection nor replace fn's outcome.
  const renew = setInterval(() => mine().then((ok) => (ok ? lease() : undefined)).catch(() => {}), leaseMs / 3)
  try {
    return await fn()
  } finally {
    clearInterval(renew)
    await mine().then((ok) => (ok ? storage.del(key) : undefined)).catch(() => {})
  }
}
