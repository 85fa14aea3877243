import { escapeHtml } from './errors'

/** What the consent page shows and carries. */
export interface ConsentPageParams {
  consentToken: string
  /** The portal session of the signed-in person, for this consent only. */
  session: string
  userName: string
  /** The registered client's name, shown from the first paint. */
  clientName: string
}

/**
 * The consent page: plain HTML and inline script, as a browser renders it. It reads the consent token and
 * the signed-in person's portal session from `<meta>` tags, asks `GET /v2/oauth/consent/{token}` what to
 * show, and posts the decision to `POST /v2/oauth/grants`, then follows the returned `redirect_uri`.
 * Stable hooks for browser tests: `#client-name`, `#scopes`, `#allow`, `#deny`, `#error`.
 */
export function consentPage({ consentToken, session, userName, clientName }: ConsentPageParams): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="consent-token" content="${escapeHtml(consentToken)}">
<meta name="portal-token" content="${escapeHtml(session)}">
<link rel="icon" href="data:,">
<title>Authorize application</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #1b1b1b }
img#logo { width: 48px; height: 48px; object-fit: contain }
img#logo[hidden] { display: none }
button { font: inherit; padding: .5rem 1.25rem; margin-right: .5rem; cursor: pointer }
#allow { background: #00c08b; color: white; border: 0; border-radius: 4px }
#error { color: #b00020 }
</style>
</head>
<body>
<main>
<img id="logo" alt="" hidden>
<h1><span id="client-name">${escapeHtml(clientName)}</span> wants to access your account</h1>
<p>Signed in as <strong id="user-name">${escapeHtml(userName)}</strong>.</p>
<p>It asks for:</p>
<ul id="scopes"></ul>
<p id="verified" hidden>Verified application</p>
<button id="allow" type="button" disabled>Allow</button>
<button id="deny" type="button" disabled>Deny</button>
<p id="error" role="alert"></p>
</main>
<script>
(() => {
  const meta = (name) => document.querySelector('meta[name="' + name + '"]').content
  const consentToken = meta('consent-token')
  const auth = { Authorization: 'Bearer ' + meta('portal-token') }
  const buttons = [document.getElementById('allow'), document.getElementById('deny')]
  const showError = (text) => { document.getElementById('error').textContent = text }
  const errorText = (body, status) => (body && body.errors && body.errors[0] && body.errors[0].detail) || 'Request failed (' + status + ')'

  fetch('/v2/oauth/consent/' + encodeURIComponent(consentToken), { headers: auth })
    .then(async (res) => {
      const body = await res.json().catch(() => null)
      if (!res.ok) throw new Error(errorText(body, res.status))
      const data = body.data
      document.getElementById('client-name').textContent = data.name
      if (data.logo_uri) { const logo = document.getElementById('logo'); logo.src = data.logo_uri; logo.hidden = false }
      document.getElementById('verified').hidden = !data.verified
      const list = document.getElementById('scopes')
      for (const scope of data.requested_scopes) {
        const item = document.createElement('li')
        item.dataset.scope = scope.id
        item.textContent = scope.name + ': ' + scope.description
        list.append(item)
      }
      for (const button of buttons) button.disabled = false
    })
    .catch((error) => showError(error.message))

  const decide = async (allowed) => {
    for (const button of buttons) button.disabled = true
    try {
      const res = await fetch('/v2/oauth/grants', {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ allowed, consent_token: consentToken }),
      })
      const body = await res.json().catch(() => null)
      if (!res.ok) throw new Error(errorText(body, res.status))
      location.assign(body.redirect_uri)
    } catch (error) {
      showError(error.message)
    }
  }
  buttons[0].addEventListener('click', () => decide(true))
  buttons[1].addEventListener('click', () => decide(false))
})()
</script>
</body>
</html>
`
}
