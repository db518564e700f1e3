import { createDeliverableEvents, deliveryBody, matchesFilter, type DeliverableEvent, type FanoutCursor } from '@hookstream/deliveries';
import type { EventProducer, OutboundMessage } from '@hookstream/kafka';
import type { Logger } from '@hookstream/observability';
import { num, type DataSource } from '@hookstream/store';
import type { Leadership } from './leader.js';
import type { RoutingTable } from './routing.js';
import { encodeJob } from './job.js';

export interface FanoutDeps {
  dataSource: DataSource;
  routing: RoutingTable;
  cursor: FanoutCursor;
  leadership: Leadership;
  producer: EventProducer;
  topic: string;
  log: Logger;
  batchSize: number;
  idleMs: number;
  produceTimeoutMs?: number;
  onRound?: (r: { events: number; jobs: number; lastEventId: number }) => void;
}

export interface Fanout {
  start(): void;
  stop(): Promise<void>;
  isLeader(): boolean;
  /** The last ledger id turned into deliveries (this replica's view). */
  position(): number;
}

/**
 * Reads the ledger in id order (which is commit order, see openLedgerInsert) and produces one
 * delivery job per (event, matching endpoint) to the deliveries topic, keyed by endpoint so each
 * endpoint's jobs land on one partition and so with one replica. The cursor moves only after
 * Kafka acknowledged, so a crash repeats a round instead of skipping one; the consumers insert
 * with INSERT IGNORE, so a repeat is a no-op.
 *
 * Endpoints are read after the events of a round: an endpoint missing from that read was created
 * later, and its start_after (the ledger's last id at creation) is then at least every id of the
 * round — it was never going to receive them. Reading endpoints first would lose that race.
 */
export function createFanout(d: FanoutDeps): Fanout {
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let last = -1;
  let leader = false;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const ledger = createDeliverableEvents(d.dataSource);

  const jobsFor = (events: readonly DeliverableEvent[]): OutboundMessage[] => {
    const routes = d.routing.all();
    const out: OutboundMessage[] = [];
    for (const e of events) {
      let body: Record<string, unknown> | null = null;
      for (const { endpoint } of routes) {
        if (e.id <= endpoint.startAfter) continue;
        // The body is built only when a filter looks into it.
        if (endpoint.filter.match && !body) body = deliveryBody(e) as unknown as Record<string, unknown>;
        if (!matchesFilter(endpoint.filter, { provider: e.provider, source: e.source, type: e.type, body: body ?? {} })) continue;
        out.push({ key: endpoint.id, value: encodeJob({ endpointId: endpoint.id, eventId: e.id }) });
      }
    }
    return out;
  };

  const round = async (): Promise<number> => {
    if (!(await d.leadership.check())) {
      leader = false;
      last = -1;
      return 0;
    }
    if (!leader || last < 0) {
      leader = true;
      last = await startPosition();
    }
    const events = await ledger.after(last, d.batchSize);
    if (events.length === 0) return 0;
    // Read before the endpoints, like the events: see the race note above createFanout.
    const ledgerEnd = await maxEventId();
    await d.routing.refresh();
    if (d.routing.all().length === 0) {
      // No endpoint to match: skip to the ledger's end. One created after the read above starts
      // after ledgerEnd anyway (its start_after is the last id at its creation).
      last = Math.max(last, ledgerEnd);
      await d.cursor.write(last, Date.now());
      return 0;
    }
    const jobs = jobsFor(events);
    if (jobs.length > 0) await d.producer.send(d.topic, jobs, d.produceTimeoutMs ?? 30_000);
    const lastEventId = events[events.length - 1]?.id ?? last;
    await d.cursor.write(lastEventId, Date.now());
    last = lastEventId;
    d.onRound?.({ events: events.length, jobs: jobs.length, lastEventId });
    return events.length;
  };

  const maxEventId = async (): Promise<number> => {
    const [row] = (await d.dataSource.query('SELECT COALESCE(MAX(id), 0) AS id FROM events')) as Array<{ id: unknown }>;
    return num(row?.id ?? 0);
  };

  /** Nothing before the oldest live endpoint's start matters: a first start skips the history. */
  const startPosition = async (): Promise<number> => {
    const saved = await d.cursor.read();
    const end = await maxEventId();
    await d.routing.refresh();
    const starts = d.routing.all().map((r) => r.endpoint.startAfter);
    const floor = starts.length > 0 ? Math.min(...starts) : end;
    return Math.max(saved, Math.min(floor, end));
  };

  const run = async (): Promise<void> => {
    let failures = 0;
    while (running) {
      try {
        const n = await round();
        failures = 0;
        if (n < d.batchSize) await sleep(leader ? d.idleMs : 2000);
      } catch (err) {
        failures++;
        d.log.warn({ err: (err as Error).message, failures }, 'fan-out round failed; it is repeated');
        await sleep(Math.min(200 * 2 ** failures, 5000));
      }
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await d.leadership.release();
      leader = false;
    },
    isLeader: () => leader,
    position: () => last,
  };
}
