import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { call, describeError, type DeliveriesPage, type Endpoint, type EndpointHealth } from '../api';
import { Link } from '../router';
import { useSession } from '../session';
import { DeliveryList } from './Deliveries';

type WithHealth = Endpoint & { health: EndpointHealth };

interface Message {
  text: string;
  error: boolean;
}

function AdminOnly(): ReactNode {
  return (
    <p role="alert" className="error">
      Endpoints are managed with an admin token (ADMIN_API_TOKENS); this is a reader token.
    </p>
  );
}

function StatusLine(props: { loading: string | null; message: Message | null }): ReactNode {
  return (
    <div aria-live="polite" className="status">
      {props.message ? (
        <p role={props.message.error ? 'alert' : undefined} className={props.message.error ? 'error' : 'notice'}>
          {props.message.text}
        </p>
      ) : props.loading ? (
        <p>{props.loading}</p>
      ) : null}
    </div>
  );
}

/** GET /endpoints, each with its health (GET /endpoints/:id): enable/disable, rotate the secret, open the delivery log. */
export function Endpoints(): ReactNode {
  const { admin } = useSession();
  const [list, setList] = useState<WithHealth[] | null>(null);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [next, setNext] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [secret, setSecret] = useState<{ endpointId: string; secret: string; until: string } | null>(null);
  const h = useId();
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async (): Promise<void> => {
    try {
      const page = await call<{ endpoints: Endpoint[]; next: string | null }>('GET', '/endpoints', { query: { limit: 25, cursor } });
      const withHealth = await Promise.all(page.endpoints.map((e) => call<WithHealth>('GET', `/endpoints/${encodeURIComponent(e.id)}`)));
      setList(withHealth);
      setNext(page.next);
    } catch (err) {
      setList([]);
      setMessage({ text: describeError(err), error: true });
    }
  }, [cursor]);
  useEffect(() => {
    if (admin) void load();
  }, [admin, load]);
  if (!admin) return <AdminOnly />;

  const setEnabled = async (e: WithHealth, enabled: boolean): Promise<void> => {
    try {
      await call('PATCH', `/endpoints/${encodeURIComponent(e.id)}`, { body: { enabled } });
      setMessage({ text: `Endpoint ${e.id} ${enabled ? 'enabled' : 'disabled'}.`, error: false });
      await load();
    } catch (err) {
      setMessage({ text: describeError(err), error: true });
    }
  };
  const rotate = async (e: WithHealth): Promise<void> => {
    if (!window.confirm(`Rotate the signing secret of ${e.id}? The old one keeps signing beside the new one for the overlap.`)) return;
    try {
      const r = await call<{ endpointId: string; secret: string; previousSecretsExpireAt: string }>(
        'POST',
        `/endpoints/${encodeURIComponent(e.id)}/rotate-secret`,
      );
      setSecret({ endpointId: r.endpointId, secret: r.secret, until: r.previousSecretsExpireAt });
      setMessage({ text: `New secret for ${e.id}: shown once below.`, error: false });
    } catch (err) {
      setMessage({ text: describeError(err), error: true });
    }
  };

  return (
    <section aria-labelledby={h}>
      <h1 id={h}>Endpoints</h1>
      <StatusLine loading={list === null ? 'Loading endpoints…' : null} message={message} />
      {secret ? (
        <div className="secret" role="region" aria-label="New secret">
          <p>
            New secret of <strong>{secret.endpointId}</strong> (shown only now; the previous one keeps signing until {secret.until}):
          </p>
          <pre className="mono" tabIndex={0}>
            {secret.secret}
          </pre>
          <button type="button" onClick={() => setSecret(null)}>
            Hide secret
          </button>
        </div>
      ) : null}
      {list && list.length === 0 ? <p className="empty">No endpoints.</p> : null}
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Delivery endpoints and their health</caption>
            <thead>
              <tr>
                <th scope="col">endpoint</th>
                <th scope="col">url</th>
                <th scope="col">state</th>
                <th scope="col">pending</th>
                <th scope="col">succeeded</th>
                <th scope="col">dead</th>
                <th scope="col">actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id} data-endpoint-id={e.id}>
                  <td>
                    <Link to={`/endpoints/${encodeURIComponent(e.id)}`}>{e.id}</Link>
                    <div className="sub">
                      {e.kind}
                      {e.origin !== 'api' ? ` · from ${e.origin}` : ''}
                      {e.description ? ` · ${e.description}` : ''}
                    </div>
                  </td>
                  <td className="mono">{e.url}</td>
                  <td data-testid="endpoint-state">
                    {e.enabled ? 'enabled' : 'disabled'}
                    {e.health.disabledReason ? <div className="sub">{e.health.disabledReason}</div> : null}
                    {e.health.failingSince ? <div className="sub">failing since {e.health.failingSince}</div> : null}
                  </td>
                  <td>{e.health.deliveries.pending}</td>
                  <td>{e.health.deliveries.succeeded}</td>
                  <td>{e.health.deliveries.dead}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => void setEnabled(e, !e.enabled)} aria-label={`${e.enabled ? 'Disable' : 'Enable'} ${e.id}`}>
                      {e.enabled ? 'Disable' : 'Enable'}
                    </button>
                    {e.origin === 'api' ? (
                      <button type="button" onClick={() => void rotate(e)} aria-label={`Rotate the secret of ${e.id}`}>
                        Rotate secret
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button type="button" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
          Next page
        </button>
      </div>
    </section>
  );
}

const STATES = ['all', 'pending', 'succeeded', 'dead'] as const;

/** One endpoint's delivery log (GET /endpoints/:id/deliveries), newest first, and "retry every dead delivery". */
export function EndpointDeliveries({ id }: { id: string }): ReactNode {
  const { admin } = useSession();
  const [state, setState] = useState<(typeof STATES)[number]>('all');
  const [page, setPage] = useState<DeliveriesPage | null>(null);
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [message, setMessage] = useState<Message | null>(null);
  const [version, setVersion] = useState(0);
  const h = useId();
  const cursor = cursors[cursors.length - 1];
  useEffect(() => {
    if (!admin) return;
    let stale = false;
    setPage(null);
    call<DeliveriesPage>('GET', `/endpoints/${encodeURIComponent(id)}/deliveries`, {
      query: { limit: 50, cursor, status: state === 'all' ? undefined : state },
    }).then(
      (p) => !stale && setPage(p),
      (err: unknown) => !stale && setMessage({ text: describeError(err), error: true }),
    );
    return () => {
      stale = true;
    };
  }, [admin, id, state, cursor, version]);
  if (!admin) return <AdminOnly />;

  const retryDead = async (): Promise<void> => {
    let retried = 0;
    try {
      let after: number | null | undefined;
      do {
        const r = await call<{ retried: number; next: number | null }>('POST', `/endpoints/${encodeURIComponent(id)}/retry`, {
          body: after === undefined || after === null ? {} : { after },
        });
        retried += r.retried;
        after = r.next;
        setMessage({ text: `Retrying: ${retried} dead deliveries started again so far…`, error: false });
      } while (after !== null);
      setMessage({ text: `${retried} dead deliveries of ${id} started again.`, error: false });
      setVersion((v) => v + 1);
    } catch (err) {
      setMessage({ text: `${describeError(err)} (${retried} started again before the error)`, error: true });
    }
  };

  return (
    <section aria-labelledby={h}>
      <p>
        <Link to="/endpoints">← Endpoints</Link>
      </p>
      <h1 id={h}>Deliveries of {id}</h1>
      <div className="toolbar">
        <label>
          state{' '}
          <select
            value={state}
            onChange={(e) => {
              setState(e.target.value as (typeof STATES)[number]);
              setCursors([undefined]);
            }}
          >
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void retryDead()}>
          Retry every dead delivery
        </button>
      </div>
      <StatusLine loading={page === null ? 'Loading deliveries…' : null} message={message} />
      {page ? <DeliveryList deliveries={page.deliveries} show="event" onChanged={() => setVersion((v) => v + 1)} /> : null}
      <div className="pager">
        <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page?.next} onClick={() => page?.next && setCursors([...cursors, page.next])}>
          Older
        </button>
      </div>
    </section>
  );
}
