import { useEffect, useState } from 'react'
import { useAuth } from '@pkce-auth/react'
import type { Claims } from '@pkce-auth/react'
import type { PanelProps } from './App'
import { errorText } from './errorText'

/** Re-renders every `ms` and returns the time. */
function useNow(ms: number) {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(id)
  }, [ms])
  return now
}

/** How long this token lives in all: from the claims when they say, else from when we first saw it. */
function useLifetime(expiresAt: number, user: Claims | undefined) {
  const [seen, setSeen] = useState({ expiresAt, remaining: expiresAt - Date.now() })
  if (seen.expiresAt !== expiresAt) setSeen({ expiresAt, remaining: expiresAt - Date.now() })
  const fromClaims = user?.exp && user.iat ? (user.exp - user.iat) * 1000 : 0
  return Math.max(fromClaims, seen.remaining, 1)
}

const seconds = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000))
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`
}

/** Who is signed in, what they granted, and the access token's remaining life as a live bar. */
export function SessionCard({ auth, config }: PanelProps) {
  const state = useAuth()
  const now = useNow(250)
  const [refreshError, setRefreshError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const expiresAt = state.status === 'signedIn' ? state.expiresAt : now
  const lifetime = useLifetime(expiresAt, state.user)
  if (state.status !== 'signedIn') return null
  const { user, scope, error } = state

  const left = Math.min(lifetime, Math.max(0, expiresAt - now))
  const leeway = (config.refreshLeewaySeconds ?? 60) * 1000
  const share = (ms: number) => `${Math.min(100, (ms / lifetime) * 100).toFixed(2)}%`
  const forceRefresh = async () => {
    setBusy(true)
    setRefreshError(undefined)
    await auth.getAccessToken({ forceRefresh: true }).catch(setRefreshError)
    setBusy(false)
  }
  const name = String(user?.name ?? user?.sub ?? 'Someone')
  const initials = name.split(/\s+/).map((word) => word[0]).slice(0, 2).join('')

  return (
    <section className="card" id="session">
      <div className="who">
        <span className="avatar" aria-hidden>{initials}</span>
        <div>
          <h2 id="user-name">{name}</h2>
          <p className="muted">{String(user?.email ?? '')} · <span className="mono">{String(user?.sub ?? '')}</span></p>
        </div>
      </div>

      <h3>Granted scopes</h3>
      <ul className="chips" id="scopes">
        {(scope ?? '').split(' ').filter(Boolean).map((item) => <li key={item} data-scope={item}>{item}</li>)}
      </ul>

      <h3>Access token</h3>
      <div className="countdown" role="meter" aria-valuemin={0} aria-valuemax={lifetime} aria-valuenow={left}
        aria-label="Access token lifetime left">
        <div className={`fill ${left <= leeway ? 'due' : ''}`} style={{ width: share(left) }} />
        {leeway < lifetime && <div className="mark" style={{ left: share(leeway) }} title="Refreshes from here" />}
      </div>
      <div className="row">
        <span id="time-left"><b>{seconds(left)}</b> left · refreshes {seconds(Math.max(0, left - leeway))} from now</span>
        <button id="force-refresh" onClick={forceRefresh} disabled={busy}>{busy ? 'Refreshing…' : 'Force refresh'}</button>
      </div>
      {error && <p className="warn" role="status">{errorText(error)} The client keeps your session and tries again.</p>}
      {refreshError !== undefined && <p className="error" role="alert">{errorText(refreshError)}</p>}

      <details>
        <summary>All claims{user?.unverified ? ' (decoded from the access token, unverified)' : ' (from the validated ID token)'}</summary>
        <table className="claims">
          <tbody>
            {Object.entries(user ?? {}).map(([key, value]) => (
              <tr key={key}><th>{key}</th><td className="mono">{JSON.stringify(value)}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  )
}
