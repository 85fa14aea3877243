/**
 * Runs tasks one at a time, in the order they were pushed; a task that fails does not stop the next.
 *
 * Prevents: a sign-out message from another tab landing while an earlier message is still reading
 * storage, whose result would then be applied after the sign-out and bring the session back. Proved
 * by races.test.ts, "tab messages are read one at a time: a sign-out arriving while a refresh message
 * still reads storage is applied after it"; the rule alone by concurrencyRules.test.ts.
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve()
  /** Queues `task`; resolves once it has run (whatever its outcome). */
  return (task: () => unknown) => (tail = tail.then(task).catch(() => {}))
}
