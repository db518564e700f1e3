import { useEffect, useId, useState, type ReactNode } from 'react';
import { call, describeError, formatTime, readEvent, type DeliveriesPage, type EventRow } from '../api';
import { Link } from '../router';
import { useSession } from '../session';
import { subjectRead, type SubjectRead } from '../subject';
import { DeliveryList } from './Deliveries';

export function EventDetail({ id }: { id: number }): ReactNode {
  const { admin } = useSession();
  const [event, setEvent] = useState<EventRow | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const h = useId();
  useEffect(() => {
    let stale = false;
    setEvent(undefined);
    setError(null);
    readEvent(id).then(
      (e) => !stale && setEvent(e),
      (err: unknown) => !stale && setError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [id]);

  return (
    <section aria-labelledby={h}>
      <p>
        <Link to="/events">← Events</Link>
      </p>
      <h1 id={h}>Event {id}</h1>
      <div aria-live="polite" className="status">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : event === undefined ? (
          <p>Loading event…</p>
        ) : event === null ? (
          <p role="alert" className="error">
            No event {id} in the ledger, or it is outside this token’s scope.
          </p>
        ) : null}
      </div>
      {event ? <EventBody event={event} /> : null}
      {event ? <SubjectState event={event} /> : null}
      {event && admin ? <EventDeliveries id={id} /> : null}
    </section>
  );
}

function EventBody({ event }: { event: EventRow }): ReactNode {
  const raw = JSON.stringify(event.raw ?? null, null, 2);
  const [copied, setCopied] = useState<string>('');
  const h = useId();
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(raw);
      setCopied('Raw payload copied to the clipboard.');
    } catch {
      // Without clipboard permission (plain http on another host), select the text for Ctrl+C.
      const pre = document.getElementById(`${h}-raw`);
      if (pre) window.getSelection()?.selectAllChildren(pre);
      setCopied('The clipboard is not available here: the payload is selected, press Ctrl+C to copy it.');
    }
  };
  const fields: Array<[string, ReactNode]> = [
    ['provider', event.provider],
    ['source', event.source ?? '—'],
    ['type', event.type ?? String(event.subscriptionType ?? '—')],
    ['tenant', event.tenant ?? '—'],
    ['subject', event.subject ?? '—'],
    ['event id', event.eventId === undefined ? '—' : String(event.eventId)],
    ['idempotency key', event.idempotencyKey ?? '—'],
    ['occurred at', formatTime(event.occurredAt)],
    ['received at', formatTime(event.receivedAt)],
    ['stored (processed) at', formatTime(event.processedAt)],
    ['request id', event.requestId ?? '—'],
  ];
  return (
    <>
      <h2>Processing state</h2>
      <dl className="facts">
        {fields.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
        <div>
          <dt>state</dt>
          <dd>
            {event.enrichment
              ? `stored; enrichment ${event.enrichment.state}${event.enrichment.attempts ? ` after ${event.enrichment.attempts} attempt(s)` : ''}${event.enrichment.error ? ` (${event.enrichment.error})` : ''}`
              : 'stored in the ledger'}
          </dd>
        </div>
      </dl>
      <h2 id={`${h}-label`}>Raw payload</h2>
      <div className="toolbar">
        <button type="button" onClick={() => void copy()}>
          Copy raw payload
        </button>
        <span aria-live="polite">{copied}</span>
      </div>
      <pre id={`${h}-raw`} className="json" tabIndex={0} aria-labelledby={`${h}-label`}>
        {raw}
      </pre>
    </>
  );
}

/** The object, deal or user the event changed, as its provider's read serves it now. */
function SubjectState({ event }: { event: EventRow }): ReactNode {
  const read = subjectRead(event);
  if (!read) return null;
  return <SubjectView key={`${read.path}?${new URLSearchParams(read.query).toString()}`} read={read} />;
}

function SubjectView({ read }: { read: SubjectRead }): ReactNode {
  const [state, setState] = useState<unknown>(undefined);
  const [error, setError] = useState<string | null>(null);
  const h = useId();
  useEffect(() => {
    let stale = false;
    call<unknown>('GET', read.path, read.query ? { query: read.query } : {}).then(
      (s) => !stale && setState(s),
      (err: unknown) => !stale && setError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [read]);
  return (
    <>
      <h2 id={`${h}-label`}>What it changed: {read.label}</h2>
      <div aria-live="polite" className="status">
        {error ? <p className="error">{error}</p> : state === undefined ? <p>Loading {read.label}…</p> : null}
      </div>
      {state !== undefined ? (
        <pre className="json" tabIndex={0} aria-labelledby={`${h}-label`}>
          {JSON.stringify(state, null, 2)}
        </pre>
      ) : null}
    </>
  );
}

function EventDeliveries({ id }: { id: number }): ReactNode {
  const [page, setPage] = useState<DeliveriesPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let stale = false;
    call<DeliveriesPage>('GET', `/events/${id}/deliveries`, { query: { limit: 100 } }).then(
      (p) => !stale && setPage(p),
      (err: unknown) => !stale && setError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [id, version]);
  return (
    <>
      <h2>Outbound deliveries</h2>
      <div aria-live="polite" className="status">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : page === null ? (
          <p>Loading deliveries…</p>
        ) : null}
      </div>
      {page ? <DeliveryList deliveries={page.deliveries} show="endpoint" onChanged={() => setVersion((v) => v + 1)} /> : null}
    </>
  );
}
