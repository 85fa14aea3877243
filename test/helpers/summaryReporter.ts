import type { Reporter, TestModule } from 'vitest/node'

/**
 * Ends a run with one plain line, `Tests: N passed, N failed, N skipped`, which CI reads whatever the
 * test runner: Vitest's own summary is for people.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const counts = { passed: 0, failed: 0, skipped: 0 }
    for (const module of testModules) {
      const failedBefore = counts.failed
      for (const test of module.children.allTests()) {
        const { state } = test.result()
        if (state === 'passed') counts.passed++
        else if (state === 'failed') counts.failed++
        else counts.skipped++
      }
      // A file that failed outside its tests (it did not load, a hook threw) counts as one failure.
      if (module.state() === 'failed' && counts.failed === failedBefore) counts.failed++
    }
    console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  }
}
