import { afterEach, describe, expect, it, vi } from 'vitest'
import { watchWake } from '../src/lifecycle'
import type { WakeReason } from '../src/lifecycle'

const stops: (() => void)[] = []

function watch(options?: Parameters<typeof watchWake>[1]) {
  const reasons: WakeReason[] = []
  const stop = watchWake((reason) => reasons.push(reason), options)
  stops.push(stop)
  return { reasons, stop }
}

function setVisibility(state: DocumentVisibilityState) {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(state)
  document.dispatchEvent(new Event('visibilitychange'))
}

afterEach(() => {
  stops.splice(0).forEach((stop) => stop())
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('watchWake', () => {
  it('calls back when the page becomes visible, not when it is hidden', () => {
    const { reasons } = watch()
    setVisibility('hidden')
    setVisibility('visible')
    expect(reasons).toEqual(['visible'])
  })

  it('calls back on focus and on online', () => {
    const { reasons } = watch()
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('online'))
    expect(reasons).toEqual(['focus', 'online'])
  })

  it('calls back after a sleep, detected by a late interval tick', () => {
    vi.useFakeTimers()
    let clock = 0
    const { reasons } = watch({ now: () => clock })
    clock += 60_000
    vi.advanceTimersByTime(60_000)
    expect(reasons).toEqual([])
    // The machine sleeps for ten minutes: the next tick arrives that much later by the wall clock.
    clock += 60_000 + 600_000
    vi.advanceTimersByTime(60_000)
    expect(reasons).toEqual(['wake'])
  })

  it('does not count a tick that is late by less than lateMs as a sleep', () => {
    vi.useFakeTimers()
    let clock = 0
    const { reasons } = watch({ now: () => clock })
    clock += 60_000 + 29_000
    vi.advanceTimersByTime(60_000)
    expect(reasons).toEqual([])
  })

  it('removes every listener and timer when stopped', () => {
    vi.useFakeTimers()
    let clock = 0
    const { reasons, stop } = watch({ now: () => clock })
    stop()
    expect(vi.getTimerCount()).toBe(0)
    setVisibility('visible')
    window.dispatchEvent(new Event('focus'))
    window.dispatchEvent(new Event('online'))
    clock += 3_600_000
    vi.advanceTimersByTime(120_000)
    expect(reasons).toEqual([])
  })
})
