import type { TimelineEntry } from './sessionTimeline'

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })

/** The session's life as a vertical timeline, newest on top; each kind of moment has its colour. */
export function Timeline({ entries, onClear }: { entries: TimelineEntry[]; onClear: () => void }) {
  return (
    <section className="card" id="timeline">
      <div className="row">
        <h2>Session timeline</h2>
        {entries.length > 0 && <button className="ghost small" onClick={onClear}>Clear</button>}
      </div>
      {entries.length === 0 && <p className="muted">Sign in, refresh or break something: it shows up here.</p>}
      <ol className="timeline">
        {[...entries].reverse().map((entry) => (
          <li key={entry.id} data-kind={entry.kind}>
            <time>{time(entry.at)}</time>
            <strong>{entry.title}</strong>
            {entry.detail && <span className="muted">{entry.detail}</span>}
          </li>
        ))}
      </ol>
    </section>
  )
}
