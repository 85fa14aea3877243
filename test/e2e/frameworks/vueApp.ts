// The Vue end-to-end app: the plugin, useAuth and requireAuth over vue-router, as an app wires them.
import { createApp, defineComponent, h } from 'vue'
import { RouterLink, RouterView, createRouter, createWebHistory, useRoute } from 'vue-router'
import { createAuth, requireAuth, useAuth } from '@pkce-auth/vue'

const { issuer, clientId } = (window as unknown as { __CONFIG__: { issuer: string; clientId: string } }).__CONFIG__

const Page = defineComponent(() => {
  const { state, signIn, signOut } = useAuth()
  const route = useRoute()
  return () => [
    h('p', { id: 'page' }, route.path),
    h('p', { id: 'status' }, state.value.status),
    h('p', { id: 'user' }, state.value.status === 'signedIn' ? String(state.value.user?.name ?? '') : ''),
    h('button', { id: 'sign-in', onClick: () => signIn() }, 'Sign in'),
    h('button', { id: 'sign-out', onClick: () => signOut() }, 'Sign out'),
    h(RouterLink, { id: 'to-settings', to: '/settings' }, () => 'Settings'),
  ]
})

const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/', component: Page },
    { path: '/callback', component: Page },
    { path: '/signed-out', component: Page },
    { path: '/settings', component: Page, meta: { requiresAuth: true } },
  ],
})
const auth = createAuth(
  { issuer, clientId, redirectUri: `${location.origin}/callback`, scope: 'openid profile' },
  { navigate: (path) => void router.replace(path) },
)
router.beforeEach(requireAuth(auth, { fallback: '/signed-out' }))
createApp({ render: () => h(RouterView) }).use(auth).use(router).mount('#app')
