// `signInWithPopup` against oidc-provider: the window goes through the provider's login and consent
// (approved by the harness) and its callback page hands the response back to the opener.
import type { Browser } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../e2e/harness'
import { account, startInterop } from './providerHarness'
import type { Interop } from './providerHarness'

let browser: Browser
let interop: Interop | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})
afterEach(async () => {
  await interop?.close()
  interop = undefined
})
afterAll(async () => {
  await browser?.close()
})

describe('signInWithPopup against oidc-provider', () => {
  it('signs in through the window, which closes; the opener exchanges the code once and a second tab follows', async () => {
    const i = (interop = await startInterop({ browser }))
    const page = await i.openTab()
    const other = await i.openTab()
    const opened = i.context.waitForEvent('page')
    const outcome = page.evaluate(() => {
      const w = window as any
      return w.PkceAuth.signInWithPopup(w.auth, { appState: { from: 'popup' } }).then(
        (result: unknown) => ({ result }),
        (error: any) => ({ error: { code: error.code, message: error.message } }),
      )
    })
    const popup = await opened
    await popup.waitForEvent('close', { timeout: 20_000 })
    expect(await outcome).toEqual({ result: { appState: { from: 'popup' } } })
    expect(await i.state(page)).toMatchObject({ status: 'signedIn', user: { sub: account.sub } })
    expect(i.tokenBodies().map((body) => body.get('grant_type'))).toEqual(['authorization_code'])
    await i.waitForStatus(other, 'signedIn')
  })
})
