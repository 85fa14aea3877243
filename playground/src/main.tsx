import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { dpop } from '@pkce-auth/core/dpop'
import { AuthProvider, createAuthClient } from '@pkce-auth/react'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import { App } from './App'
import { readConfig } from './config'
import { recordingFetch } from './lastCall'
import './styles.css'

// The whole setup: one auth client for the mock server (or another issuer), and a Telnyx API
// client that takes its tokens from it.
const config = readConfig()
const auth = createAuthClient({
  ...config,
  redirectUri: `${location.origin}/callback`,
  scope: 'admin openid profile email',
  // The DPoP switch (`?dpop=1`): tokens bound to a key kept in this browser.
  plugins: config.dpop ? [dpop()] : [],
})
const telnyx = createTelnyxClient({ auth }, { baseUrl: `${config.issuer}/v2`, fetch: recordingFetch })

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
