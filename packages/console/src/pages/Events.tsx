import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { call, changesCursorAfter, describeError, formatTime, seenEvents, type ChangesPage, type EventRow, type EventsPage } from '../api';
import { Link, navigate, useLocation } from '../router';

/** The filters GET /events takes that every provider's rows have; from/to as typed in the form. */
interface Filters {
  provider: string;
  source: string;
  type: string;
  tenant: string;
  subject: string;
  from: string;
  to: string;
  order: 'desc' | 'asc';
  limit: string;
}

const EMPTY: Filters = { provider: '', source: '', type: '', tenant: '', subject: '', from: '', to: '', order: 'desc', limit: '50' };
const TEXT_FIELDS = ['provider', 'source', 'type', 'tenant', 'subject'] as const;
const LIVE_POLL_MS = 2000;
const LIVE_MAX_ROWS = 500;

function filtersFrom(search: string): Filters {
  const q = new URLSearchParams(search);
  const f: Filters = { ...EMPTY };
  for (const k of [...TEXT_FIELDS, 'from', 'to', 'limit'] as const) f[k] = q.get(k) ?? EMPTY[k];
  f.order = q.get('order') === 'asc' ? 'asc' : 'desc';
  return f;
}

function searchOf(f: Filters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== '' && v !== EMPTY[k as keyof Filters]) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A datetime-local value is local time; the API takes ISO-8601 with a zone. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function apiQuery(f: Filters): Record<string, string | undefined> {
  return {
    provider: f.provider.trim() || undefined,
    source: f.source.trim() || undefined,
    type: f.type.trim() || undefined,
    tenant: f.tenant.trim() || undefined,
    subject: f.subject.trim() || undefined,
    from: isoOf(f.from),
    to: isoOf(f.to),
    order: f.order,
    limit: f.limit || undefined,
  };
}

export function Events(): ReactNode {
  const { search } = useLocation();
  const applied = filtersFrom(search);
  const [draft, setDraft] = useState<Filters>(applied);
  const [rows, setRows] = useState<EventRow[]>([]);
  const [status, setStatus] = useState('Loading events…');
  const [error, setError] = useState<string | null>(null);
  // cursors[n] is the cursor that opened page n (page 0 has none).
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const id = useId();
  const key = search;
  // Only the latest read may fill the table: an older one answering late (filters changed meanwhile) is dropped.
  const latest = useRef(0);

  const load = useCallback(
    async (cursor: string | undefined): Promise<void> => {
      const mine = ++latest.current;
      setStatus('Loading events…');
      setError(null);
      try {
        const page = await call<EventsPage>('GET', '/events', { query: { ...apiQuery(filtersFrom(key)), cursor } });
        if (mine !== latest.current) return;
        for (const e of page.events) seenEvents.set(e.id, e);
        setRows(page.events);
        setNextCursor(page.nextCursor);
        setStatus(`${page.events.length} event${page.events.length === 1 ? '' : 's'} on this page${page.nextCursor ? '; more on the next' : ''}.`);
      } catch (err) {
        if (mine !== latest.current) return;
        setRows([]);
        setNextCursor(null);
        setStatus('');
        setError(describeError(err));
      }
    },
    [key],
  );

  // The form starts from the URL; after that only a navigation (Apply, Clear, back) resets it.
  const shownKey = useRef(key);
  useEffect(() => {
    if (shownKey.current !== key) setDraft(filtersFrom(key));
    shownKey.current = key;
    setCursors([undefined]);
    setLive(false);
    void load(undefined);
  }, [key, load]);

  const apply = (e: FormEvent): void => {
    e.preventDefault();
    navigate(`/events${searchOf(draft)}`);
  };
  const page = cursors.length - 1;
  const next = (): void => {
    if (!nextCursor) return;
    setCursors([...cursors, nextCursor]);
    void load(nextCursor);
  };
  const previous = (): void => {
    const back = cursors.slice(0, -1);
    setCursors(back);
    void load(back[back.length - 1]);
  };

  return (
    <section aria-labelledby={`${id}-h`}>
      <h1 id={`${id}-h`}>Events</h1>
      <form className="filters" onSubmit={apply} aria-label="Event filters">
        {TEXT_FIELDS.map((k) => (
          <Field key={k} id={`${id}-${k}`} label={k === 'subject' ? 'subject (object, deal or user id)' : k}>
            <input id={`${id}-${k}`} name={k} value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
          </Field>
        ))}
        <Field id={`${id}-from`} label="from">
          <input
            id={`${id}-from`}
            name="from"
            type="datetime-local"
            step="1"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </Field>
        <Field id={`${id}-to`} label="to">
          <input id={`${id}-to`} name="to" type="datetime-local" step="1" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </Field>
        <Field id={`${id}-order`} label="order (by occurred at)">
          <select
            id={`${id}-order`}
            name="order"
            value={draft.order}
            onChange={(e) => setDraft({ ...draft, order: e.target.value === 'asc' ? 'asc' : 'desc' })}
          >
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </Field>
        <Field id={`${id}-limit`} label="per page">
          <select id={`${id}-limit`} name="limit" value={draft.limit} onChange={(e) => setDraft({ ...draft, limit: e.target.value })}>
            {['25', '50', '100', '500'].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </Field>
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button type="button" onClick={() => navigate('/events')}>
            Clear
          </button>
        </div>
      </form>
      <OpenById />
      <div className="toolbar">
        <label className="toggle">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live: follow the changes feed
        </label>
        {!live ? (
          <span className="pager">
            <button type="button" onClick={previous} disabled={page === 0}>
              Previous page
            </button>
            <span>Page {page + 1}</span>
            <button type="button" onClick={next} disabled={!nextCursor}>
              Next page
            </button>
          </span>
        ) : null}
      </div>
      {live ? <LiveFeed filters={applied} initial={rows} /> : null}
      <div aria-live="polite" className="status">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <p>{live ? '' : status}</p>
        )}
      </div>
      {!live ? <EventTable rows={rows} caption="Events matching the filters" /> : null}
    </section>
  );
}

function Field(props: { id: string; label: string; children: ReactNode }): ReactNode {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
    </div>
  );
}

/** Straight to one event by its ledger id (the id the changes feed and deliveries name). */
function OpenById(): ReactNode {
  const [value, setValue] = useState('');
  const id = useId();
  return (
    <form
      className="open-by-id"
      onSubmit={(e) => {
        e.preventDefault();
        if (/^\d+$/.test(value.trim())) navigate(`/events/${value.trim()}`);
      }}
    >
      <label htmlFor={id}>Open event by ledger id</label>
      <input id={id} inputMode="numeric" pattern="[0-9]*" value={value} onChange={(e) => setValue(e.target.value)} />
      <button type="submit">Open</button>
    </form>
  );
}

/** Polls GET /events/changes after the newest id shown; type and subject (not changes filters) are matched here. */
function LiveFeed(props: { filters: Filters; initial: EventRow[] }): ReactNode {
  const [rows, setRows] = useState<EventRow[]>(() => [...props.initial].sort((a, b) => b.id - a.id));
  const [status, setStatus] = useState('Following the changes feed…');
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef(changesCursorAfter(props.initial.reduce((m, e) => Math.max(m, e.id), 0)));
  const f = props.filters;
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async (): Promise<void> => {
      try {
        const page = await call<ChangesPage>('GET', '/events/changes', {
          query: { after: cursor.current, limit: 500, provider: f.provider || undefined, source: f.source || undefined, tenant: f.tenant || undefined },
        });
        if (stopped) return;
        cursor.current = page.nextCursor;
        const fresh = page.events.filter((e) => (!f.type || e.type === f.type) && (!f.subject || e.subject === f.subject));
        for (const e of fresh) seenEvents.set(e.id, e);
        if (fresh.length > 0) setRows((old) => [...fresh.reverse(), ...old].slice(0, LIVE_MAX_ROWS));
        setError(null);
        setStatus(`Live: ${fresh.length} new at ${new Date().toLocaleTimeString()}.`);
      } catch (err) {
        if (!stopped) setError(describeError(err));
      }
      if (!stopped) timer = window.setTimeout(() => void tick(), LIVE_POLL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [f.provider, f.source, f.tenant, f.type, f.subject]);
  return (
    <>
      <div aria-live="polite" className="status">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <p>{status}</p>
        )}
      </div>
      <EventTable rows={rows} caption="Events as they are stored, newest ingested first" />
    </>
  );
}

export function EventTable(props: { rows: EventRow[]; caption: string }): ReactNode {
  if (props.rows.length === 0) return <p className="empty">No events.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">occurred at</th>
            <th scope="col">provider</th>
            <th scope="col">source</th>
            <th scope="col">type</th>
            <th scope="col">tenant</th>
            <th scope="col">subject</th>
            <th scope="col">event id</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((e) => (
            <tr key={e.id} data-event-id={e.id}>
              <td>
                <Link to={`/events/${e.id}`} aria-label={`Open event ${e.id}`}>
                  {e.id}
                </Link>
              </td>
              <td>{formatTime(e.occurredAt)}</td>
              <td>{e.provider}</td>
              <td>{e.source ?? '—'}</td>
              <td>{e.type ?? String(e.subscriptionType ?? '—')}</td>
              <td>{e.tenant ?? '—'}</td>
              <td>{e.subject ?? '—'}</td>
              <td className="mono">{e.eventId === undefined ? '—' : String(e.eventId)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
