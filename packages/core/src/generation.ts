/**
 * Counts the sessions ended in this tab. A write of the stored session begun at one generation and
 * finishing at another was overtaken by a sign-out (here, or applied here from another tab).
 *
 * Prevents: a refresh that was being written when the user signed out bringing the session back to
 * every tab and to the next page load: the write is taken back. Proved by sessionWrites.test.ts, "the
 * lock-timeout fallback, sign-out: a sign-out done without the lock is not undone by the refresh that
 * held it"; the rule alone by concurrencyRules.test.ts.
 */
export function createGeneration() {
  let count = 0
  return {
    current: () => count,
    next: () => void count++,
    /** True when a session ended since `generation` was read. */
    movedSince: (generation: number) => count !== generation,
  }
}
