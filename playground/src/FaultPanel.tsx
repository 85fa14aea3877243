import { useState } from 'react'
import type { PanelProps } from './App'
import { errorText } from './errorText'

const token = '/v2/oauth/token'

// What each button asks the mock server to do to the next token requests.
const faults = [
  { id: 'fault-503', label: '503 × 2', says: 'the token endpoint fails twice', fault: { path: token, status: 503, count: 2 } },
  { id: 'fault-429', label: '429, Retry-After 2', says: 'the token endpoint rate limits once', fault: { path: token, status: 429, headers: { 'retry-after': '2' } } },
  { id: 'fault-slow', label: 'Slow token endpoint (3 s)', says: 'the next token request takes 3 s', fault: { path: token, delayMs: 3000 } },
]

/**
 * Breaks the mock server on purpose (`POST /__mock/faults`), then forces a refresh, so you can watch
 * the client ride out a transient failure, or end the session cleanly when the grant is revoked.
 */
export function FaultPanel({ auth, telnyx, config, note }: PanelProps) {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)

  const refreshNow = async () => {
    const started = Date.now()
    try {
      await auth.getAccessToken({ forceRefresh: true })
      setOutcome({ ok: true, text: `Refreshed after ${((Date.now() - started) / 1000).toFixed(1)} s.` })
    } catch (error) {
      setOutcome({ ok: false, text: errorText(error) })
    }
  }

  const inject = async (label: string, says: string, fault: object) => {
    setBusy(true)
    setOutcome(undefined)
    try {
      const response = await fetch(`${config.issuer}/__mock/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fault),
      })
      if (!response.ok) throw new Error(`The mock server refused the fault (HTTP ${response.status}).`)
      note({ kind: 'note', title: `Fault: ${label}`, detail: says })
      await refreshNow()
    } catch (error) {
      setOutcome({ ok: false, text: errorText(error) })
    } finally {
      setBusy(false)
    }
  }

  // Revoking the grant kills the refresh token (and the access tokens) at the server.
  const revokeOwnGrant = async () => {
    setBusy(true)
    setOutcome(undefined)
    try {
      for await (const grant of telnyx.oauthGrants.listAutoPaging()) {
        if (grant.clientId !== config.clientId) continue
        await telnyx.oauthGrants.delete(grant.id)
        note({ kind: 'note', title: 'Fault: refresh token revoked', detail: "this playground's grant was deleted" })
      }
      await refreshNow()
    } catch (error) {
      setOutcome({ ok: false, text: errorText(error) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" id="faults">
      <h2>Break things</h2>
      <p className="muted">Each button makes the mock server misbehave, then forces a refresh.</p>
      <div className="buttons">
        {faults.map(({ id, label, says, fault }) => (
          <button key={id} id={id} disabled={busy} onClick={() => void inject(label, says, fault)}>{label}</button>
        ))}
        <button id="fault-revoke" className="danger" disabled={busy} onClick={() => void revokeOwnGrant()}>Revoke refresh token</button>
      </div>
      {busy && <p className="muted" role="status">Waiting for the client…</p>}
      {outcome && <p className={outcome.ok ? 'ok' : 'error'} role={outcome.ok ? 'status' : 'alert'} id="fault-outcome">{outcome.text}</p>}
    </section>
  )
}
