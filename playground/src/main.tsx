import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { AuthProvider, createAuthClient } from '@pkce-auth/react'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import { App } from './App'
import { readConfig } from './config'
import './styles.css'

// The whole setup: one auth client for the mock server (or another issuer), and a Telnyx API
// client that takes its tokens from it.
const config = readConfig()
const auth = createAuthClient({
  ...config,
  redirectUri: `${location.origin}/callback`,
  scope: 'admin openid profile email',
})
const telnyx = createTelnyxClient({ auth }, { baseUrl: `${config.issuer}/v2` })

// Sign-in passes `returnTo` (the path and #section the person was on); put them back there.
function backToWhereTheyWere(_appState: unknown, { returnTo = '/' }: { returnTo?: string }) {
  history.replaceState(null, '', returnTo)
  requestAnimationFrame(() => document.getElementById(location.hash.slice(1))?.scrollIntoView())
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider client={auth} onRedirect={backToWhereTheyWere}>
      <App auth={auth} telnyx={telnyx} config={config} />
    </AuthProvider>
  </StrictMode>,
)
