// The app a user writes after `npm install @pkce-auth/core @pkce-auth/react @pkce-auth/telnyx`: the
// provider makes the client, the Telnyx client takes its tokens, and errors are checked with the
// AuthError imported from the core, whichever package they came through.
import { StrictMode, useMemo, useState } from 'react'
import { createRoot } from 'react-dom/client'
import { AuthError } from '@pkce-auth/core'
import { AuthProvider, useAuth, useAuthClient } from '@pkce-auth/react'
import { createTelnyxClient } from '@pkce-auth/telnyx'
import globalScriptUrl from '@pkce-auth/core/global?url'
import { leaseLock } from '@pkce-auth/core/lease-lock'
import { signInWithPopup } from '@pkce-auth/core/popup'
import { forResource } from '@pkce-auth/core/resources'

const issuer = import.meta.env.VITE_ISSUER

const describe = (error: unknown) =>
  `${error instanceof AuthError ? 'AuthError' : 'not an AuthError'} ${(error as { code?: string }).code}`

function Account() {
  const auth = useAuth()
  const client = useAuthClient()
  // The Telnyx API's own token (RFC 8707) from the resources add-on: the handle reaches the provider's
  // client only if the add-on's entry shares the core's module with it.
  const telnyx = useMemo(() => createTelnyxClient({ auth: forResource(client, `${issuer}/v2`) }, { baseUrl: `${issuer}/v2` }), [client])
  const [output, setOutput] = useState('')
  const run = (task: () => Promise<string>) => task().then(setOutput, (error: unknown) => setOutput(`failed: ${describe(error)}`))

  const listGrants = async () => {
    const { data } = await telnyx.oauthGrants.list()
    return `${data.length} grant(s): ${data.map((grant) => grant.clientId).join(', ')}`
  }
  // Signed out, both reject with the core's error: the provider's client, and the Telnyx client passing it on.
  const errors = async () => {
    const outcomes = [client.getAccessToken(), telnyx.oauthGrants.list()].map((call) => call.then(() => 'resolved', describe))
    return (await Promise.all(outcomes)).join(' | ')
  }

  return (
    <main>
      <p id="status">{auth.status}</p>
      {auth.status === 'signedIn' && <p id="user">{String(auth.user?.name)}</p>}
      <button id="sign-in" onClick={() => void auth.signIn().catch(() => {})}>Sign in</button>
      <button id="sign-in-popup" onClick={() => void signInWithPopup(client).catch(() => {})}>Sign in (popup)</button>
      <button id="sign-out" onClick={() => void auth.signOut()}>Sign out</button>
      <button id="list-grants" onClick={() => run(listGrants)}>List grants</button>
      <button id="errors" onClick={() => run(errors)}>Errors</button>
      <output id="output">{output}</output>
      <a id="global-script" href={globalScriptUrl}>the script-tag build</a>
    </main>
  )
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider
      issuer={issuer}
      clientId={import.meta.env.VITE_CLIENT_ID}
      redirectUri={`${location.origin}/callback`}
      scope="openid profile admin"
      // An add-on from its subpath entry (Chromium has Web Locks, so the lease itself is not used).
      plugins={[leaseLock()]}
      onRedirect={(_appState, { returnTo }) => history.replaceState(null, '', returnTo ?? '/')}
    >
      <Account />
    </AuthProvider>
  </StrictMode>,
)
