// The Svelte end-to-end app: one binding made at start, read as $auth and auth.current by a component.
import { mount } from 'svelte'
import { createAuth } from '@pkce-auth/svelte'
import App from './App.svelte'

const { issuer, clientId } = (window as unknown as { __CONFIG__: { issuer: string; clientId: string } }).__CONFIG__
const auth = createAuth({ issuer, clientId, redirectUri: `${location.origin}/callback`, scope: 'openid profile' })
mount(App, { target: document.querySelector('#app')!, props: { auth } })
