/** Why {@link watchWake} called back: the page became visible, got focus, went online, or the machine woke from sleep. */
export type WakeReason = 'visible' | 'focus' | 'online' | 'wake'

/** Options of {@link watchWake}. */
export interface WakeOptions {
  /** Period of the sleep detector, in ms. Default 60,000. */
  intervalMs?: number
  /** How late a tick must arrive to count as a sleep, in ms. Default 30,000. */
  lateMs?: number
  now?: () => number
}

/**
 * Calls `onWake` whenever a timer-based expiry may have been missed: on `visibilitychange` to visible,
 * `focus`, `online`, and after the machine slept (an interval tick arriving more than `lateMs` late,
 * since timers do not run during sleep). Callers re-check expiry then; timers are only hints.
 * A throttled background tab may also look asleep, which costs only a needless re-check.
 *
 * Returns a function that removes every listener and timer it added. Outside a browser it adds none.
 *
 * @example
 * const stop = watchWake(() => void refreshIfExpiring())
 * stop()
 */
export function watchWake(onWake: (reason: WakeReason) => void, options: WakeOptions = {}): () => void {
  if (typeof document == 'undefined') return () => {}
  const { intervalMs = 60_000, lateMs = 30_000, now = Date.now } = options
  const listeners: [EventTarget, string, () => void][] = [
    [document, 'visibilitychange', () => document.visibilityState == 'visible' && onWake('visible')],
    [window, 'focus', () => onWake('focus')],
    [window, 'online', () => onWake('online')],
  ]
  let last = now()
  const timer = setInterval(() => {
    const at = now()
    if (at - last > intervalMs + lateMs) onWake('wake')
    last = at
  }, intervalMs)
  listeners.forEach(([target, type, listener]) => target.addEventListener(type, listener))
  return () => {
    clearInterval(timer)
    listeners.forEach(([target, type, listener]) => target.removeEventListener(type, listener))
  }
}
