/**
 * The rule "this tab's own change of the stored session writes last". A sign-in or sign-out of this
 * tab runs through the gate (`run`); a reader of another tab's message takes a `ticket` before it
 * reads storage and is `admit`ted only if no local change began or ended since: a ticket taken
 * before a local change is stale after it, because what it read may predate that change. A reader
 * turned away is remembered, and when the last local change ends the gate calls `onMissed` once, so
 * that storage is looked at again.
 *
 * Prevents: a message from another tab, read while this tab's sign-in or sign-out was under way,
 * undoing it. Proved by sessionWrites.test.ts, "a message whose storage read outlasts this tab's own
 * sign-out does not sign the tab back in"; the rule alone by concurrencyRules.test.ts.
 */
export function createWriteGate(onMissed: () => void) {
  // Local changes under way, and a count bumped as each begins and ends.
  let open = 0
  let epoch = 0
  let missed = false
  return {
    /** True while a local change is under way: a reader need not even read. */
    get busy() {
      return open > 0
    },
    ticket: () => epoch,
    /** True when `ticket` is still good; otherwise the reader is remembered, and false. */
    admit(ticket: number) {
      if (!open && ticket === epoch) return true
      missed = true
      return false
    },
    async run<T>(change: () => Promise<T>): Promise<T> {
      open++
      epoch++
      try {
        return await change()
      } finally {
        open--
        epoch++
        if (!open && missed) {
          missed = false
          onMissed()
        }
      }
    },
  }
}
