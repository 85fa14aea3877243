import { createApp, defineComponent, h } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createAuth, requireAuth } from '@pkce-auth/vue'
import type { AuthClient, RequireAuthOptions } from '@pkce-auth/vue'
import { createTestClient, reloadTestClient } from '../../../test/helpers/createTestClient'
import { setAddress } from '../../../test/helpers/setAddress'

const Page = defineComponent({ render: () => h('p') })

/** A memory-history router with a public `/` and `/signed-out`, and a `/settings` that requires auth. */
function routerFor(auth: AuthClient, options?: RequireAuthOptions) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: Page },
      { path: '/signed-out', component: Page },
      { path: '/settings', component: Page, meta: { requiresAuth: true } },
    ],
  })
  router.beforeEach(requireAuth(createAuth(auth), options))
  return router
}

beforeEach(() => sessionStorage.clear())
afterEach(() => {
  vi.restoreAllMocks()
  setAddress('http://localhost:3000/')
})

describe('requireAuth (vue-router)', () => {
  it('lets public routes through at once, and a signed-in user through to a guarded one', async () => {
    const test = createTestClient()
    const router = routerFor(test.auth)
    await router.push('/')
    expect(router.currentRoute.value.path).toBe('/')
    await test.signIn()
    await router.push('/settings?tab=2')
    expect(router.currentRoute.value.fullPath).toBe('/settings?tab=2')
  })

  it('waits for the session to be restored, then signs in with the route as returnTo, cancelling the navigation', async () => {
    const test = createTestClient()
    const router = routerFor(test.auth)
    await router.push('/')
    const failure = await router.push('/settings?tab=2#x')
    expect(failure).toBeTruthy()
    expect(router.currentRoute.value.path).toBe('/')
    expect(test.navigate).toHaveBeenCalledOnce()
    // The transaction carries returnTo: the callback comes back here.
    const approved = await test.mock.fetch(test.navigate.mock.calls[0]![0])
    const callback = new URL(approved.headers.get('location')!, 'https://auth.test').href
    expect(await reloadTestClient(test).auth.handleRedirect(callback)).toMatchObject({ returnTo: '/settings?tab=2#x' })
  })

  it('does not sign in after the user signed out: it goes to fallback', async () => {
    const test = createTestClient()
    await test.signIn()
    await test.auth.signOut()
    test.navigate.mockClear()
    const router = routerFor(test.auth, { fallback: '/signed-out' })
    await router.push('/settings')
    expect(router.currentRoute.value.path).toBe('/signed-out')
    expect(test.navigate).not.toHaveBeenCalled()
  })

  it('does not sign in again after a failed callback: it goes to fallback', async () => {
    const test = createTestClient()
    await test.auth.handleRedirect('https://app.test/callback?code=x&state=unknown').catch(() => {})
    const router = routerFor(test.auth, { fallback: '/signed-out' })
    await router.push('/settings')
    expect(router.currentRoute.value.path).toBe('/signed-out')
    expect(test.navigate).not.toHaveBeenCalled()
  })

  it('stops after 3 automatic sign-ins within a minute (the loop breaker, per tab)', async () => {
    const test = createTestClient()
    const router = routerFor(test.auth, { fallback: '/signed-out' })
    for (let i = 0; i < 3; i++) {
      await router.push('/settings')
      expect(router.currentRoute.value.path).not.toBe('/settings')
    }
    expect(test.navigate).toHaveBeenCalledTimes(3)
    await router.push('/settings')
    expect(router.currentRoute.value.path).toBe('/signed-out')
    expect(test.navigate).toHaveBeenCalledTimes(3)
  })

  it('a sign-in that cannot start (returnTo refused) goes to fallback, the mistake reported', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => {})
    const test = createTestClient()
    const router = routerFor(test.auth, { fallback: '/signed-out', signInOptions: { returnTo: 'https://evil.test/' } })
    await router.push('/settings')
    expect(router.currentRoute.value.path).toBe('/signed-out')
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/returnTo/) }))
  })

  it('waits while the plugin handles the callback, then lets the signed-in user through', async () => {
    const before = createTestClient()
    const callback = await before.authorize()
    const test = reloadTestClient(before)
    setAddress(callback)
    test.mock.faults.add({ path: '/v2/oauth/token', delayMs: 30 })
    const router = routerFor(test.auth)
    createApp({ render: () => null }).use(createAuth(test.auth, { navigate: () => {} }))
    await router.push('/settings')
    expect(router.currentRoute.value.path).toBe('/settings')
    expect(test.navigate).not.toHaveBeenCalled()
  })
})
