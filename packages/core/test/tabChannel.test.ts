import { afterEach, describe, expect, it, vi } from 'vitest'
import { createTabChannel } from '../src/tabChannel'
import type { TabChannel, TabMessage } from '../src/tabChannel'

let count = 0
const opened: TabChannel[] = []
const raw: BroadcastChannel[] = []

// Two tabs of one origin: two channels with the same name.
function tabs(n = 2) {
  const name = `tab-channel-test-${++count}`
  const channels = Array.from({ length: n }, () => createTabChannel(name))
  opened.push(...channels)
  return { name, channels }
}

function received(channel: TabChannel) {
  const messages: TabMessage[] = []
  channel.subscribe((message) => messages.push(message))
  return messages
}

afterEach(() => {
  opened.splice(0).forEach((channel) => channel.close())
  raw.splice(0).forEach((channel) => channel.close())
})

describe('createTabChannel', () => {
  it('delivers a message to the other tabs, not to the sender', async () => {
    const { channels: [a, b, c] } = tabs(3)
    const [fromA, atB, atC] = [received(a!), received(b!), received(c!)]
    a!.post({ type: 'signedOut', reason: 'signed_out' })
    await vi.waitFor(() => expect(atB).toEqual([{ type: 'signedOut', reason: 'signed_out' }]))
    await vi.waitFor(() => expect(atC).toEqual([{ type: 'signedOut', reason: 'signed_out' }]))
    expect(fromA).toEqual([])
  })

  it('delivers every message type in order', async () => {
    const { channels: [a, b] } = tabs()
    const atB = received(b!)
    a!.post({ type: 'signedIn' })
    a!.post({ type: 'tokensUpdated' })
    a!.post({ type: 'signedOut', reason: 'session_expired' })
    await vi.waitFor(() => expect(atB.map((m) => m.type)).toEqual(['signedIn', 'tokensUpdated', 'signedOut']))
  })

  it('sends only the type and reason', async () => {
    const { name, channels: [a] } = tabs(1)
    const listener = new BroadcastChannel(name)
    raw.push(listener)
    const seen: unknown[] = []
    listener.onmessage = ({ data }) => seen.push(data)
    a!.post({ type: 'tokensUpdated', accessToken: 'secret' } as TabMessage)
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    expect(JSON.stringify(seen)).not.toContain('secret')
  })

  it('ignores messages it does not know', async () => {
    const { name, channels: [a, b] } = tabs()
    const atB = received(b!)
    const stranger = new BroadcastChannel(name)
    raw.push(stranger)
    stranger.postMessage('hello')
    stranger.postMessage({ type: 'deleteEverything' })
    stranger.postMessage(null)
    stranger.postMessage({ type: 'signedIn', reason: 42, extra: 'x' })
    a!.post({ type: 'signedOut' })
    await vi.waitFor(() => expect(atB).toHaveLength(2))
    expect(atB).toEqual([{ type: 'signedIn' }, { type: 'signedOut' }])
  })

  it('stops calling a listener once unsubscribed', async () => {
    const { channels: [a, b] } = tabs()
    const first = vi.fn()
    const stop = b!.subscribe(first)
    const atB = received(b!)
    stop()
    a!.post({ type: 'signedIn' })
    await vi.waitFor(() => expect(atB).toHaveLength(1))
    expect(first).not.toHaveBeenCalled()
  })

  it('receives nothing once closed, but still sends (a change under way in a disposed client is told)', async () => {
    const { channels: [a, b, c] } = tabs(3)
    const atB = received(b!)
    const atC = received(c!)
    b!.close()
    a!.close()
    expect(() => a!.post({ type: 'signedIn' })).not.toThrow()
    c!.post({ type: 'signedOut' })
    await vi.waitFor(() => expect(atC).toEqual([{ type: 'signedIn' }]))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(atB).toEqual([])
    expect(atC).toEqual([{ type: 'signedIn' }])
  })

  it('does nothing where BroadcastChannel is missing', () => {
    vi.stubGlobal('BroadcastChannel', undefined)
    try {
      const channel = createTabChannel('nowhere')
      const stop = channel.subscribe(() => {})
      expect(() => channel.post({ type: 'signedIn' })).not.toThrow()
      stop()
      channel.close()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
