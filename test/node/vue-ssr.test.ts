import { createSSRApp, defineComponent, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createMemoryHistory, createRouter } from 'vue-router'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAuth, createAuthClient, requireAuth, useAccessToken, useAuth } from '@pkce-auth/vue'

const options = { issuer: 'https://auth.example', clientId: 'app', redirectUri: 'https://app.example/callback' }

// Browser globals a careless binding would reach for, planted as getters that record the access.
// `window` stays absent, as in Node: the adapter asks only whether it exists.
const browserGlobals = ['document', 'location', 'history', 'sessionStorage', 'localStorage', 'indexedDB']
const touched: string[] = []
const trapBrowserGlobals = () => {
  for (const name of browserGlobals) Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.push(name) })
}

afterEach(() => {
  for (const name of browserGlobals) delete (globalThis as Record<string, unknown>)[name]
  touched.length = 0
})

const Status = defineComponent({
  setup() {
    const { state } = useAuth()
    const { token } = useAccessToken()
    return () => h('p', `${state.value.status} ${token.value ?? 'no-token'}`)
  },
})

describe('@pkce-auth/vue on the server', () => {
  it('imports without touching browser globals', async () => {
    vi.resetModules()
    trapBrowserGlobals()
    const vue = await import('@pkce-auth/vue')
    expect(vue.createAuth).toBeTypeOf('function')
    expect(touched).toEqual([])
  })

  it('renders loading, subscribes to nothing, and lets a guarded route render', async () => {
    const client = createAuthClient(options)
    const subscribe = vi.spyOn(client, 'subscribe')
    trapBrowserGlobals()
    const auth = createAuth(client)
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/settings', component: Status, meta: { requiresAuth: true } }],
    })
    router.beforeEach(requireAuth(auth))
    const app = createSSRApp({ render: () => h(router.currentRoute.value.matched[0]!.components!.default!) })
    app.use(auth).use(router)
    await router.push('/settings')
    const html = await renderToString(app)
    expect(html).toBe('<p>loading no-token</p>')
    expect(subscribe).not.toHaveBeenCalled()
    expect(touched).toEqual([])
    client.dispose()
  })

  it('an app made from options renders loading too', async () => {
    trapBrowserGlobals()
    const html = await renderToString(createSSRApp(Status).use(createAuth(options)))
    expect(html).toBe('<p>loading no-token</p>')
    expect(touched).toEqual([])
  })
})
