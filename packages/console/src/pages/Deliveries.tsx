import { useState, type ReactNode } from 'react';
import { call, describeError, type Delivery } from '../api';
import { Link } from '../router';

/** Deliveries with every attempt; each can be started again (a new round of the schedule). */
export function DeliveryList(props: { deliveries: Delivery[]; show: 'endpoint' | 'event'; onChanged: () => void }): ReactNode {
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  if (props.deliveries.length === 0) return <p className="empty">No deliveries.</p>;
  const retry = async (d: Delivery): Promise<void> => {
    try {
      await call('POST', `/endpoints/${encodeURIComponent(d.endpointId)}/deliveries/${d.eventId}/retry`);
      setMessage({ text: `Delivery of event ${d.eventId} to ${d.endpointId} will be attempted again.`, error: false });
      props.onChanged();
    } catch (err) {
      setMessage({ text: describeError(err), error: true });
    }
  };
  return (
    <>
      <div aria-live="polite" className="status">
        {message ? (
          <p role={message.error ? 'alert' : undefined} className={message.error ? 'error' : 'notice'}>
            {message.text}
          </p>
        ) : null}
      </div>
      <ul className="deliveries">
        {props.deliveries.map((d) => (
          <li key={d.webhookId} className={`delivery state-${d.state}`}>
            <div className="delivery-head">
              <strong>{d.state}</strong>{' '}
              {props.show === 'endpoint' ? (
                <>
                  to <Link to={`/endpoints/${encodeURIComponent(d.endpointId)}`}>{d.endpointId}</Link>
                </>
              ) : (
                <>
                  of <Link to={`/events/${d.eventId}`}>event {d.eventId}</Link>
                </>
              )}{' '}
              <span className="mono">{d.webhookId}</span> · {d.attemptCount} attempt{d.attemptCount === 1 ? '' : 's'}
              {d.nextAttemptAt ? ` · next at ${d.nextAttemptAt}` : ''}
              <button type="button" onClick={() => void retry(d)} aria-label={`Retry delivery of event ${d.eventId} to ${d.endpointId}`}>
                Retry
              </button>
            </div>
            {d.attempts.length > 0 ? (
              <table className="attempts">
                <caption className="sr-only">Attempts of {d.webhookId}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">at</th>
                    <th scope="col">outcome</th>
                    <th scope="col">HTTP</th>
                    <th scope="col">latency</th>
                    <th scope="col">error or answer</th>
                  </tr>
                </thead>
                <tbody>
                  {d.attempts.map((a) => (
                    <tr key={a.attempt}>
                      <td>{a.attempt}</td>
                      <td>{a.at}</td>
                      <td>{a.outcome}</td>
                      <td>{a.status ?? '—'}</td>
                      <td>{a.latencyMs} ms</td>
                      <td className="mono">{a.error ?? a.responseSnippet ?? a.externalId ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="empty">No attempt yet.</p>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
