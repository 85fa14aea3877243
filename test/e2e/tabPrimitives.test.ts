// The cross-tab building blocks against the real browser APIs they were written for (Web Locks,
// BroadcastChannel, IndexedDB with a stored CryptoKey), in two tabs of one origin.
import { build } from 'esbuild'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness } from './harness'
import type { Harness } from './harness'

const entry = `
export { withTabLock } from './packages/core/src/tabLock'
export { createTabChannel } from './packages/core/src/tabChannel'
export { encryptedStorage } from './packages/core/src/encryptedStorage'
export { idbStorage } from './packages/core/src/storage'
`

type Modules = typeof import('../../packages/core/src/tabLock') &
  typeof import('../../packages/core/src/tabChannel') &
  typeof import('../../packages/core/src/encryptedStorage') &
  typeof import('../../packages/core/src/storage')

declare global {
  interface Window {
    modules: Modules
    log: string[]
  }
}

describe('cross-tab building blocks in Chromium', () => {
  let harness: Harness
  let script: string
  let tabs: Page[]

  beforeAll(async () => {
    harness = await startHarness()
    const result = await build({
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      format: 'iife',
      globalName: 'modules',
      write: false,
      logLevel: 'silent',
    })
    script = result.outputFiles[0]!.text
    tabs = [await harness.openTab(), await harness.openTab()]
    for (const tab of tabs) {
      await tab.addScriptTag({ content: script })
      await tab.evaluate(() => void (window.log = []))
    }
  })

  afterAll(async () => {
    await harness?.close()
  })

  it('serialises two tabs through a Web Lock', async () => {
    const run = (tab: Page, label: string) =>
      tab.evaluate(
        (label) =>
          window.modules.withTabLock('e2e-lock', async () => {
            localStorage.setItem('inside', String(Number(localStorage.getItem('inside') ?? 0) + 1))
            const most = Number(localStorage.getItem('inside'))
            await new Promise((resolve) => setTimeout(resolve, 200))
            localStorage.setItem('inside', String(Number(localStorage.getItem('inside')) - 1))
            return { label, most }
          }),
        label,
      )
    const results = await Promise.all([run(tabs[0]!, 'a'), run(tabs[1]!, 'b')])
    expect(results.map((result) => result.most)).toEqual([1, 1])
  })

  it('rejects with a TimeoutError while another tab holds the Web Lock', async () => {
    await tabs[0]!.evaluate(() => {
      void window.modules.withTabLock('e2e-held', () => new Promise((resolve) => setTimeout(resolve, 2_000)))
    })
    const outcome = await tabs[1]!.evaluate(() =>
      window.modules.withTabLock('e2e-held', () => 'ran', { timeoutMs: 200 }).then(
        (value) => value,
        (error: DOMException) => error.name,
      ),
    )
    expect(outcome).toBe('TimeoutError')
  })

  it('hands the Web Lock to another tab when its holder is closed', async () => {
    const holder = await harness.openTab()
    await holder.addScriptTag({ content: script })
    await holder.evaluate(() => void window.modules.withTabLock('e2e-closed', () => new Promise(() => {})))
    const waiting = tabs[1]!.evaluate(() => window.modules.withTabLock('e2e-closed', () => 'granted', { timeoutMs: 10_000 }))
    await holder.close()
    expect(await waiting).toBe('granted')
  })

  it('carries a tab message to the other tab', async () => {
    for (const tab of tabs) {
      await tab.evaluate(() => {
        window.modules.createTabChannel('e2e-channel').subscribe((message) => window.log.push(message.type))
      })
    }
    await tabs[0]!.evaluate(() => {
      const channel = window.modules.createTabChannel('e2e-channel')
      channel.post({ type: 'signedOut', reason: 'signed_out' })
      channel.close()
    })
    await tabs[1]!.waitForFunction(() => window.log.includes('signedOut'))
    expect(await tabs[1]!.evaluate(() => window.log)).toEqual(['signedOut'])
  })

  it('keeps encrypted records readable across tabs and reloads, and unreadable in a raw dump', async () => {
    await tabs[0]!.evaluate(() => window.modules.encryptedStorage(window.modules.idbStorage()).set('e2e-record', { token: 'e2e-secret-token' }))
    const tab = tabs[1]!
    await tab.reload()
    await tab.addScriptTag({ content: script })
    expect(await tab.evaluate(() => window.modules.encryptedStorage(window.modules.idbStorage()).get('e2e-record'))).toEqual({
      token: 'e2e-secret-token',
    })
    const dump = await harness.dumpStorage(tab)
    expect(dump).toContain('e2e-record')
    expect(dump).not.toContain('e2e-secret-token')
  })

  it('keeps every record readable when two tabs create the encryption key at once', async () => {
    const read = (tab: Page, key: string) =>
      tab.evaluate((key) => window.modules.encryptedStorage(window.modules.idbStorage()).get(key), key)
    for (let round = 0; round < 10; round++) {
      // A fresh origin has no key yet: both tabs' first writes race to create it.
      await tabs[0]!.evaluate(() => window.modules.idbStorage().del('encryption-key'))
      await Promise.all(tabs.map((tab, i) =>
        tab.evaluate(([key, value]) => window.modules.encryptedStorage(window.modules.idbStorage()).set(key!, value), [`race-${round}-${i}`, `value-${i}`])))
      for (const tab of tabs) {
        expect([await read(tab, `race-${round}-0`), await read(tab, `race-${round}-1`)]).toEqual(['value-0', 'value-1'])
      }
    }
  })
})
