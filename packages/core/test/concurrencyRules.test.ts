// The cross-tab rules of the session store, each on its own, without a browser or a client.
import { describe, expect, it, vi } from 'vitest'
import { createGeneration } from '../src/generation'
import { createRenewal } from '../src/renewal'
import { createSerialQueue } from '../src/serialQueue'
import { createWriteGate } from '../src/writeGate'

const later = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('createWriteGate', () => {
  it('admits a reader when no local change began or ended since its ticket', () => {
    const gate = createWriteGate(() => {})
    expect(gate.admit(gate.ticket())).toBe(true)
  })

  it('turns away a reader whose ticket predates a local change, and calls back once the change ends', async () => {
    const onMissed = vi.fn()
    const gate = createWriteGate(onMissed)
    const ticket = gate.ticket()
    let finish!: () => void
    const change = gate.run(() => new Promise<void>((resolve) => (finish = resolve)))
    expect(gate.busy).toBe(true)
    expect(gate.admit(ticket)).toBe(false)
    expect(onMissed).not.toHaveBeenCalled()
    finish()
    await change
    expect(gate.busy).toBe(false)
    expect(onMissed).toHaveBeenCalledTimes(1)
    // A ticket taken before the change stays stale after it; a new one is good.
    expect(gate.admit(ticket)).toBe(false)
    expect(gate.admit(gate.ticket())).toBe(true)
  })

  it('calls back after the last of overlapping changes, and also when a change fails', async () => {
    const onMissed = vi.fn()
    const gate = createWriteGate(onMissed)
    let failFirst!: (error: Error) => void
    const first = gate.run(() => new Promise<void>((_, reject) => (failFirst = reject)))
    const second = gate.run(later)
    gate.admit(gate.ticket())
    failFirst(new Error('write failed'))
    await expect(first).rejects.toThrow('write failed')
    expect(onMissed).not.toHaveBeenCalled()
    await second
    expect(onMissed).toHaveBeenCalledTimes(1)
  })

  it('does not call back when nobody was turned away', async () => {
    const onMissed = vi.fn()
    const gate = createWriteGate(onMissed)
    await gate.run(later)
    expect(onMissed).not.toHaveBeenCalled()
  })
})

describe('createSerialQueue', () => {
  it('runs tasks one at a time, in the order pushed, even when an earlier one is slower', async () => {
    const push = createSerialQueue()
    const log: string[] = []
    push(async () => {
      log.push('slow start')
      await later()
      log.push('slow end')
    })
    await push(() => log.push('fast'))
    expect(log).toEqual(['slow start', 'slow end', 'fast'])
  })

  it('goes on after a task that fails', async () => {
    const push = createSerialQueue()
    const ran = vi.fn()
    push(() => Promise.reject(new Error('read failed')))
    push(() => {
      throw new Error('sync failure')
    })
    await push(ran)
    expect(ran).toHaveBeenCalledTimes(1)
  })
})

describe('createGeneration', () => {
  it('tells a write that a session ended since it began', () => {
    const endings = createGeneration()
    const before = endings.current()
    expect(endings.movedSince(before)).toBe(false)
    endings.next()
    expect(endings.movedSince(before)).toBe(true)
    expect(endings.movedSince(endings.current())).toBe(false)
  })
})

describe('createRenewal', () => {
  it('aborts the renewal with login_required once another session comes into hand', () => {
    const renewal = createRenewal()
    const signal = renewal.begin('session-1')
    renewal.follow('session-1')
    expect(signal.aborted).toBe(false)
    renewal.follow('session-2')
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toMatchObject({ name: 'AuthError', code: 'login_required' })
  })

  it('aborts it when no session is in hand any more (signed out)', () => {
    const renewal = createRenewal()
    const signal = renewal.begin('session-1')
    renewal.follow(undefined)
    expect(signal.aborted).toBe(true)
  })

  it('leaves alone a renewal that has ended', () => {
    const renewal = createRenewal()
    const signal = renewal.begin('session-1')
    renewal.end()
    renewal.follow(undefined)
    expect(signal.aborted).toBe(false)
  })
})
