import { useAuth } from '@pkce-auth/react'
import type { AuthClient } from '@pkce-auth/react'
import type { TelnyxClient } from '@pkce-auth/telnyx'
import { ApiPanel } from './ApiPanel'
import { DpopCard } from './DpopCard'
import { configQuery } from './config'
import type { PlaygroundConfig } from './config'
import { errorText } from './errorText'
import { FaultPanel } from './FaultPanel'
import { SessionCard } from './SessionCard'
import { useTimeline } from './sessionTimeline'
import { Timeline } from './Timeline'

/** Props every panel gets: the two clients, the config, and a way to mark the timeline. */
export interface PanelProps {
  auth: AuthClient
  telnyx: TelnyxClient
  config: PlaygroundConfig
  note: ReturnType<typeof useTimeline>['note']
}

/** The playground: who you are, your token, the Telnyx API, faults, and the session's timeline. */
export function App({ auth, telnyx, config }: Omit<PanelProps, 'note'>) {
  const { status, error, signIn, signOut, user } = useAuth()
  const { entries, note, clear } = useTimeline(auth)
  const props = { auth, telnyx, config, note }

  const startSignIn = () => {
    note({ kind: 'note', title: 'Sign-in started', detail: 'to the consent page' })
    // Whatever went wrong lands in the state's `error`, shown below.
    const { pathname, search, hash } = location
    signIn({ returnTo: pathname + search + hash }).catch(() => {})
  }

  return (
    <div className="page">
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden>
            <svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
              <circle cx="8" cy="15" r="4" />
              <path d="M10.8 12.2 19 4M16 7l2 2M14 9l2 2" />
            </svg>
          </span>
          <div>
            <h1>pkce-auth playground</h1>
            <p className="muted mono">{config.issuer} · {config.clientId}</p>
          </div>
        </div>
        <div className="actions">
          <span className={`pill ${status}`} data-testid="status">
            {status === 'signedIn' ? 'Signed in' : status === 'signedOut' ? 'Signed out' : 'Loading…'}
          </span>
          {status === 'signedIn' && (
            <button id="sign-out" className="ghost" onClick={() => void signOut()}>
              Sign out {user?.name ? ` ${String(user.name).split(' ')[0]}` : ''}
            </button>
          )}
        </div>
      </header>

      <div className="layout">
        <main>
          {status === 'loading' && <section className="card muted">Restoring your session…</section>}
          {status === 'signedOut' && (
            <section className="card hero" id="signed-out">
              <h2>Sign in to try it</h2>
              <p>
                You will go to the authorization server's consent page, choose <b>Allow</b> or <b>Deny</b>, and
                come back here. The session is then kept in IndexedDB, refreshed before it expires, and shared
                with your other tabs.
              </p>
              {error && <p className="error" role="alert" id="auth-error">{errorText(error)}</p>}
              <button id="sign-in" className="primary" onClick={startSignIn}>Sign in with the mock server</button>
            </section>
          )}
          {status === 'signedIn' && (
            <>
              <SessionCard {...props} />
              <ApiPanel {...props} />
              <DpopCard config={config} />
              <FaultPanel {...props} />
            </>
          )}
        </main>
        <aside>
          <Timeline entries={entries} onClear={clear} />
          <p className="hint">
            Open <a href={location.pathname + configQuery(config)} target="_blank" rel="noreferrer">this page in a second tab</a>:
            refreshes and sign-outs in one show up in the other, with no extra request.
          </p>
        </aside>
      </div>
    </div>
  )
}
