import { createLockManager } from './webLocks'
// happy-dom has no IndexedDB: unit tests get fake-indexeddb, browser tests the real thing.
import 'fake-indexeddb/auto'

// Nor Web Locks, which every browser the library supports has: one lock manager for the whole file,
// as one browser's is for all its tabs.
// Files that run in Node (`@vitest-environment node`) have no navigator at all.
if (typeof navigator !== 'undefined') {
  const locks = createLockManager()
  Object.defineProperty(navigator, 'locks', { configurable: true, get: () => locks })
}
