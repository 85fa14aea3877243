import type { PlaygroundConfig } from './config'
import { configQuery } from './config'
import { useLastCall } from './lastCall'

/** The DPoP switch, and what the last API call sent: the token type and the proof header. */
export function DpopCard({ config }: { config: PlaygroundConfig }) {
  const call = useLastCall()
  const toggled = configQuery({ ...config, dpop: !config.dpop })
  return (
    <section className="card" id="dpop">
      <h2>DPoP {config.dpop ? 'on' : 'off'}</h2>
      <p className="muted">
        {config.dpop
          ? 'Tokens are bound to a key that never leaves this browser (start the mock with npm run dev -- --dpop).'
          : 'Tokens are Bearer tokens: whoever holds one can use it.'}{' '}
        <a href={location.pathname + (toggled || '?dpop=0')}>Turn DPoP {config.dpop ? 'off' : 'on'}</a> (sign in again after).
      </p>
      <dl className="mono">
        <dt>token type of the last API call</dt>
        <dd id="dpop-scheme">{call?.scheme ?? '—'}</dd>
        <dt>its DPoP proof header</dt>
        <dd id="dpop-proof" style={{ wordBreak: 'break-all' }}>{call?.proof ?? '—'}</dd>
      </dl>
    </section>
  )
}
