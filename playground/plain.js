// The script-tag quick start: `/pkce-auth.global.js` defines `window.PkceAuth`. No inline script and
// no eval, so the page works under `Content-Security-Policy: script-src 'self'`.
const { createAuthClient } = window.PkceAuth

// The mock server of `npm run dev`, unless the page was opened with ?issuer=…&clientId=… (remembered
// for the tab, since the sign-in round trip drops the query) or a test set __PLAYGROUND_CONFIG__.
const query = new URLSearchParams(location.search)
if (query.has('issuer')) sessionStorage.setItem('plain:issuer', query.get('issuer'))
if (query.has('clientId')) sessionStorage.setItem('plain:clientId', query.get('clientId'))
const given = window.__PLAYGROUND_CONFIG__ || {}
const issuer = given.issuer || sessionStorage.getItem('plain:issuer') || 'http://127.0.0.1:4000'
const clientId = given.clientId || sessionStorage.getItem('plain:clientId') || 'pkce-auth-playground'

const auth = createAuthClient({
  issuer,
  clientId,
  redirectUri: `${location.origin}/plain.html`,
  scope: 'admin openid profile email',
})

const $ = (id) => document.getElementById(id)
const sentences = {
  access_denied: 'You declined the request, so you are still signed out.',
  invalid_grant: 'The server ended your session. Please sign in again.',
  network: 'The authorization server could not be reached.',
}
const explain = (error) => sentences[error.code] || error.message

function render() {
  const state = auth.getState()
  $('status').textContent = state.status === 'signedIn' ? 'signed in' : state.status === 'signedOut' ? 'signed out' : 'loading'
  $('signed-in').hidden = state.status !== 'signedIn'
  $('signed-out').hidden = state.status !== 'signedOut'
  $('error').hidden = !state.error
  $('error').textContent = state.error ? explain(state.error) : ''
  if (state.status === 'signedIn') {
    $('user-name').textContent = (state.user && state.user.name) || 'someone'
    $('user-email').textContent = (state.user && state.user.email) || ''
  } else {
    $('api-result').hidden = true
  }
}
auth.subscribe(render)
render()

// Back from the consent page: finish the sign-in (a failure shows up in the state's error).
if (auth.isRedirectCallback()) auth.handleRedirect().catch(() => {})

$('sign-in').addEventListener('click', () => auth.signIn().catch(() => {}))
$('sign-out').addEventListener('click', () => auth.signOut())
$('call-api').addEventListener('click', async () => {
  const output = $('api-result')
  output.hidden = false
  output.textContent = 'Loading…'
  try {
    const response = await auth.fetch(`${issuer}/v2/oauth_grants`)
    const body = await response.json()
    output.textContent = response.ok
      ? `${body.data.length} grant(s):\n` + body.data.map((grant) => `• ${grant.client_id}: ${grant.scopes.join(' ')}`).join('\n')
      : `HTTP ${response.status}: ${JSON.stringify(body.errors)}`
  } catch (error) {
    output.textContent = explain(error)
  }
})
