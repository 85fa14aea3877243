/**
 * Runs tasks one at a time, in the order they were pushed; a task that fails does not stop the next.
 *
 * Prevents: a sign-out message from another tab landing while an earlier message is still reading
 * storage, whose result would then be applied after the sign-out and bring the session back
 * (races.test.ts, "tab messages in order"; serialQueue.test.ts).
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve()
  /** Queues `task`; resolves once it has run (whatever its outcome). */
  return (task: () => unknown) => (tail = tail.then(task).catch(() => {}))
}
