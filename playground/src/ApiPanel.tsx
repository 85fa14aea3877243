import { useCallback, useEffect, useState } from 'react'
import type { FormEvent, ReactNode } from 'react'
import type { Page } from '@pkce-auth/telnyx'
import type { PanelProps } from './App'
import { errorText } from './errorText'

const PAGE_SIZE = 5

/** One page of a list at a time, reloaded on demand; errors kept for the panel to show. */
function usePage<T>(load: (number: number) => Promise<Page<T>>) {
  const [number, setNumber] = useState(1)
  const [page, setPage] = useState<Page<T>>()
  const [error, setError] = useState<unknown>()
  const reload = useCallback(() => {
    setError(undefined)
    load(number).then(setPage, setError)
  }, [load, number])
  useEffect(reload, [reload])
  return { number, setNumber, page, error, reload }
}

function Pager({ number, setNumber, total }: { number: number; setNumber: (n: number) => void; total: number }) {
  return (
    <div className="pager">
      <button onClick={() => setNumber(number - 1)} disabled={number <= 1}>‹ Prev</button>
      <span>page {number} of {Math.max(total, 1)}</span>
      <button onClick={() => setNumber(number + 1)} disabled={number >= total}>Next ›</button>
    </div>
  )
}

function Problem({ error }: { error: unknown }): ReactNode {
  return error === undefined ? null : <p className="error" role="alert">{errorText(error)}</p>
}

/** The Telnyx OAuth API through `@pkce-auth/telnyx`: your grants (revoke) and your clients (create). */
export function ApiPanel({ telnyx, config, note }: PanelProps) {
  const grants = usePage(useCallback((number: number) => telnyx.oauthGrants.list({ page: { number, size: PAGE_SIZE } }), [telnyx]))
  const clients = usePage(useCallback((number: number) => telnyx.oauthClients.list({ page: { number, size: PAGE_SIZE } }), [telnyx]))
  const [actionError, setActionError] = useState<unknown>()
  const [name, setName] = useState('')

  const revoke = async (id: string, clientId: string) => {
    setActionError(undefined)
    try {
      await telnyx.oauthGrants.delete(id)
      const own = clientId === config.clientId
      note({ kind: 'note', title: `Revoked the grant of ${clientId}`, detail: own ? "this playground's own: the session ends at the next call" : undefined })
      grants.reload()
    } catch (error) {
      setActionError(error)
    }
  }

  const create = async (event: FormEvent) => {
    event.preventDefault()
    setActionError(undefined)
    try {
      const client = await telnyx.oauthClients.create({
        name,
        clientType: 'public',
        requirePkce: true,
        allowedScopes: ['admin'],
        allowedGrantTypes: ['authorization_code', 'refresh_token'],
        redirectUris: [`${location.origin}/callback`],
      })
      note({ kind: 'note', title: `Created client “${client.name}”`, detail: client.clientId })
      setName('')
      clients.reload()
    } catch (error) {
      setActionError(error)
    }
  }

  return (
    <section className="card" id="api">
      <h2>Telnyx OAuth API</h2>
      <Problem error={actionError} />

      <h3>Your grants</h3>
      <Problem error={grants.error} />
      <table className="list" id="grants">
        <thead><tr><th>Client</th><th>Scopes</th><th>Last used</th><th /></tr></thead>
        <tbody>
          {grants.page?.data.map((grant) => (
            <tr key={grant.id} data-client-id={grant.clientId}>
              <td className="mono">
                {grant.clientId}
                {grant.clientId === config.clientId && <span className="tag">this playground</span>}
              </td>
              <td>{grant.scopes.join(' ')}</td>
              <td className="muted">{grant.lastUsedAt ? new Date(grant.lastUsedAt).toLocaleTimeString() : 'never'}</td>
              <td><button className="danger small" onClick={() => void revoke(grant.id, grant.clientId)}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager number={grants.number} setNumber={grants.setNumber} total={grants.page?.meta.totalPages ?? 1} />

      <h3>Your OAuth clients</h3>
      <Problem error={clients.error} />
      <table className="list" id="clients">
        <thead><tr><th>Name</th><th>Client id</th><th>Type</th></tr></thead>
        <tbody>
          {clients.page?.data.map((client) => (
            <tr key={client.clientId}>
              <td>{client.name}</td>
              <td className="mono">{client.clientId}</td>
              <td><span className="tag">{client.clientType}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager number={clients.number} setNumber={clients.setNumber} total={clients.page?.meta.totalPages ?? 1} />
      <form className="row" onSubmit={create}>
        <input id="client-name" value={name} onChange={(event) => setName(event.target.value)} placeholder="New public client name" required />
        <button id="create-client" type="submit">Create client</button>
      </form>
    </section>
  )
}
