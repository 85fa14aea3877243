// happy-dom has no IndexedDB: unit tests get fake-indexeddb, browser tests the real thing.
import 'fake-indexeddb/auto'
