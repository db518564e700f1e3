import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { call, describeError } from '../api';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';

/** A redrive as GET /dead-letters/jobs/:id answers it (docs/dead-letters.md). */
interface RedriveJob {
  id: string;
  topic: string;
  kind: 'selection' | 'range';
  state: 'running' | 'done' | 'failed' | 'interrupted';
  total: number;
  done: number;
  passedOver: number;
  error: { code: string; message: string } | null;
}

interface TopicSummary {
  topic: string;
  provider: string;
  target: string;
  partitions: number;
  total: number;
  pending: number;
  job: RedriveJob | null;
  error: string | null;
}

interface DeadLetter {
  partition: number;
  offset: string;
  deadLetteredAt: string;
  key: string | null;
  attempts: number;
  errorCode: string | null;
  error: string | null;
  firstFailureAt: string | null;
  original: { topic: string; partition: number; offset: string } | null;
  redriven: boolean;
}

interface Page {
  items: DeadLetter[];
  total: number;
  next: string | null;
}

interface Message {
  text: string;
  error: boolean;
}

const POLL_MS = 500;
const PAGE = 50;
const at = (l: { partition: number; offset: string }): string => `${l.partition}@${l.offset}`;
/** A datetime-local value (the browser's time zone) as UTC; empty or unreadable: no bound. */
function isoOf(local: string): string | undefined {
  const d = new Date(local);
  return local && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}
const shortTime = (iso: string | null): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—');

function usePath(): { topic: string | null; after: string | null; pending: boolean } {
  const { search } = useLocation();
  const q = new URLSearchParams(search);
  return { topic: q.get('topic'), after: q.get('after'), pending: q.get('pending') === 'true' };
}

function go(topic: string | null, opts: { after?: string | null; pending?: boolean } = {}): void {
  const q = new URLSearchParams();
  if (topic) q.set('topic', topic);
  if (opts.after) q.set('after', opts.after);
  if (opts.pending) q.set('pending', 'true');
  const s = q.toString();
  navigate(`/dead-letters${s ? `?${s}` : ''}`);
}

/** GET /dead-letters: each DLQ topic with what it holds and what is not yet redriven; pick one to see its dead letters. */
export function DeadLetters(): ReactNode {
  const { admin } = useSession();
  const { topic, after, pending } = usePath();
  const [topics, setTopics] = useState<TopicSummary[] | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const h = useId();

  const loadTopics = useCallback(async (): Promise<void> => {
    try {
      setTopics((await call<{ topics: TopicSummary[] }>('GET', '/dead-letters')).topics);
    } catch (err) {
      setTopics([]);
      setMessage({ text: describeError(err), error: true });
    }
  }, []);
  useEffect(() => {
    if (admin) void loadTopics();
  }, [admin, loadTopics]);

  if (!admin) {
    return (
      <p role="alert" className="error">
        Dead letters are inspected and redriven with an admin token (ADMIN_API_TOKENS); this is a reader token.
      </p>
    );
  }
  const current = topics?.find((t) => t.topic === topic) ?? null;
  return (
    <section aria-labelledby={h}>
      <h1 id={h}>Dead letters</h1>
      <div aria-live="polite" className="status">
        {message ? (
          <p role={message.error ? 'alert' : undefined} className={message.error ? 'error' : 'notice'}>
            {message.text}
          </p>
        ) : topics === null ? (
          <p>Loading dead-letter topics…</p>
        ) : null}
      </div>
      {topics && topics.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Dead-letter topics</caption>
            <thead>
              <tr>
                <th scope="col">topic</th>
                <th scope="col">provider</th>
                <th scope="col">redriven to</th>
                <th scope="col">not yet redriven</th>
                <th scope="col">held</th>
                <th scope="col">last redrive</th>
              </tr>
            </thead>
            <tbody>
              {topics.map((t) => (
                <tr key={t.topic} data-topic={t.topic} aria-current={t.topic === topic ? 'true' : undefined}>
                  <td>
                    <button type="button" className="link" onClick={() => go(t.topic)} aria-label={`Show dead letters of ${t.topic}`}>
                      {t.topic}
                    </button>
                  </td>
                  <td>
                    {t.provider}
                    {t.error ? <div className="sub error">could not be read: {t.error}</div> : null}
                  </td>
                  <td className="mono">{t.target}</td>
                  <td data-testid="topic-pending">{t.pending}</td>
                  <td>{t.total}</td>
                  <td>{t.job ? `${t.job.state} ${t.job.done}/${t.job.total}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {topics && topics.length === 0 && !message ? <p className="empty">No dead-letter topics are configured.</p> : null}
      {current ? (
        <TopicLetters key={`${current.topic} ${after ?? ''} ${pending}`} topic={current} after={after} pending={pending} onChange={loadTopics} />
      ) : null}
    </section>
  );
}

/** One topic's dead letters a page at a time, with a redrive of the chosen ones or of a time range. */
function TopicLetters(props: { topic: TopicSummary; after: string | null; pending: boolean; onChange: () => Promise<void> }): ReactNode {
  const { topic } = props.topic;
  const { onChange } = props;
  const [page, setPage] = useState<Page | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [message, setMessage] = useState<Message | null>(null);
  const [job, setJob] = useState<RedriveJob | null>(props.topic.job?.state === 'running' ? props.topic.job : null);
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const id = useId();
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const load = useCallback(async (): Promise<void> => {
    try {
      const p = await call<Page>('GET', `/dead-letters/${encodeURIComponent(topic)}`, {
        query: { limit: PAGE, after: props.after ?? undefined, pending: props.pending ? 'true' : undefined },
      });
      if (alive.current) setPage(p);
    } catch (err) {
      if (alive.current) setMessage({ text: describeError(err), error: true });
    }
  }, [topic, props.after, props.pending]);
  useEffect(() => void load(), [load]);

  // Polls a running job until it ends, then reads the topic again: the redriven rows say so.
  useEffect(() => {
    if (job?.state !== 'running') return;
    const timer = setTimeout(() => {
      void (async () => {
        try {
          const r = await call<{ job: RedriveJob }>('GET', `/dead-letters/jobs/${job.id}`);
          if (!alive.current) return;
          setJob(r.job);
          if (r.job.state !== 'running') {
            setChosen(new Set());
            await Promise.all([load(), onChange()]);
          }
        } catch (err) {
          if (alive.current) setMessage({ text: describeError(err), error: true });
        }
      })();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job, load, onChange]);

  const start = async (body: Record<string, unknown>): Promise<void> => {
    setMessage(null);
    try {
      const r = await call<{ job: RedriveJob }>('POST', `/dead-letters/${encodeURIComponent(topic)}/redrive`, { body });
      setJob(r.job);
    } catch (err) {
      setMessage({ text: describeError(err), error: true });
    }
  };
  const redriveChosen = (): void => {
    const offsets = (page?.items ?? []).filter((l) => chosen.has(at(l))).map((l) => ({ partition: l.partition, offset: l.offset }));
    void start({ offsets });
  };
  const redriveRange = (e: FormEvent): void => {
    e.preventDefault();
    const s = isoOf(since);
    const u = isoOf(until);
    void start({ ...(s ? { since: s } : {}), ...(u ? { until: u } : {}) });
  };
  const toggle = (key: string, on: boolean): void => {
    const next = new Set(chosen);
    if (on) next.add(key);
    else next.delete(key);
    setChosen(next);
  };
  const items = page?.items ?? [];
  const allChosen = items.length > 0 && items.every((l) => chosen.has(at(l)));
  const running = job?.state === 'running';

  return (
    <section aria-labelledby={`${id}-h`} className="dead-letters">
      <h2 id={`${id}-h`}>{topic}</h2>
      <p className="sub">
        {props.topic.pending} of {props.topic.total} not yet redriven; a redrive puts them back on <code>{props.topic.target}</code> as fresh deliveries.
      </p>
      <RedriveProgress job={job} target={props.topic.target} />
      <div aria-live="polite" className="status">
        {message ? (
          <p role={message.error ? 'alert' : undefined} className={message.error ? 'error' : 'notice'}>
            {message.text}
          </p>
        ) : page === null ? (
          <p>Loading dead letters…</p>
        ) : null}
      </div>
      <div className="toolbar">
        <label className="toggle">
          <input type="checkbox" checked={props.pending} onChange={(e) => go(topic, { pending: e.target.checked })} /> only not yet redriven
        </label>
        <button type="button" disabled={chosen.size === 0 || running} onClick={redriveChosen}>
          Redrive selected ({chosen.size})
        </button>
      </div>
      {page && items.length > 0 ? (
        <p className="sub" data-testid="letters-count">
          {page.total} {props.pending ? 'not yet redriven' : 'held'}
          {props.after ? ' from this page on' : ''}, {PAGE} a page
        </p>
      ) : null}
      {page && items.length === 0 ? <p className="empty">No dead letters{props.pending ? ' waiting for a redrive' : ''} in this topic.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>Dead letters in {topic}</caption>
            <thead>
              <tr>
                <th scope="col">
                  <label>
                    <input type="checkbox" checked={allChosen} onChange={(e) => setChosen(e.target.checked ? new Set(items.map(at)) : new Set())} />
                    <span className="sr-only">Select every dead letter on this page</span>
                  </label>
                </th>
                <th scope="col">position</th>
                <th scope="col">error code</th>
                <th scope="col">attempts</th>
                <th scope="col">first failure</th>
                <th scope="col">dead-lettered</th>
                <th scope="col">key and origin</th>
                <th scope="col">last error</th>
                <th scope="col">state</th>
              </tr>
            </thead>
            <tbody>
              {items.map((l) => (
                <tr key={at(l)} data-position={at(l)}>
                  <td>
                    <label>
                      <input type="checkbox" checked={chosen.has(at(l))} onChange={(e) => toggle(at(l), e.target.checked)} />
                      <span className="sr-only">Select dead letter {at(l)}</span>
                    </label>
                  </td>
                  <td className="mono">{at(l)}</td>
                  <td className="mono">{l.errorCode ?? '—'}</td>
                  <td>{l.attempts}</td>
                  <td className="nowrap">{shortTime(l.firstFailureAt)}</td>
                  <td className="nowrap">{shortTime(l.deadLetteredAt)}</td>
                  <td className="mono">
                    {l.key ?? '—'}
                    <div className="sub">from {l.original ? `${l.original.topic}/${l.original.partition}@${l.original.offset}` : 'unknown'}</div>
                  </td>
                  <td className="dl-error">{l.error ?? '—'}</td>
                  <td data-testid="letter-state">{l.redriven ? 'redriven' : 'not yet redriven'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="pager">
        <button type="button" disabled={!props.after} onClick={() => go(topic, { pending: props.pending })}>
          First page
        </button>
        <button type="button" disabled={!page?.next} onClick={() => go(topic, { after: page?.next ?? null, pending: props.pending })}>
          Next page
        </button>
      </div>
      <form className="filters" onSubmit={redriveRange} aria-label="Redrive a time range">
        <h3 className="sr-only">Redrive a time range</h3>
        <div className="field">
          <label htmlFor={`${id}-since`}>dead-lettered from</label>
          <input id={`${id}-since`} type="datetime-local" step="1" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>dead-lettered until</label>
          <input id={`${id}-until`} type="datetime-local" step="1" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="nowrap" disabled={running}>
            {since || until ? 'Redrive time range' : 'Redrive all not yet redriven'}
          </button>
        </div>
      </form>
    </section>
  );
}

function RedriveProgress(props: { job: RedriveJob | null; target: string }): ReactNode {
  const j = props.job;
  const text = !j
    ? ''
    : j.state === 'running'
      ? `Redriving: ${j.done} of ${j.total} put back…`
      : j.state === 'done'
        ? `Redrive done: ${j.done} of ${j.total} put back on ${props.target}.${j.passedOver > 0 ? ` ${j.passedOver} older dead letter(s) were never redriven and stay behind the cursor.` : ''}`
        : j.state === 'interrupted'
          ? `Redrive interrupted after ${j.done} of ${j.total} (events-api stopped); start it again to continue.`
          : `Redrive failed after ${j.done} of ${j.total}: ${j.error?.message ?? 'unknown error'}`;
  return (
    <div className="redrive-progress">
      {j ? <progress aria-label="Redrive progress" max={Math.max(1, j.total)} value={j.state === 'done' && j.total === 0 ? 1 : j.done} /> : null}
      <p role="status" aria-live="polite" className={j?.state === 'failed' ? 'error' : 'notice'} data-testid="redrive-status">
        {text}
      </p>
    </div>
  );
}
