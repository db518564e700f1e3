import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '@hookstream/kafka';
import { UsageError } from '../command.js';
import { runCli } from '../run.js';
import { parseFlags, parseTime } from './flags.js';
import { formatLine, viewOf } from './format.js';
import { planRanges } from './plan.js';
import { createProgress } from './progress.js';
import { loadDlqSettings } from './settings.js';

describe('flags', () => {
  const spec = { since: 'time', count: 'int', 'dry-run': 'bool', group: 'string' } as const;

  it('reads --name value, --name=value and boolean flags', () => {
    expect(parseFlags(['--since', '2026-01-02T03:04:05Z', '--count=5', '--dry-run', '--group', 'g'], spec)).toEqual({
      since: Date.UTC(2026, 0, 2, 3, 4, 5),
      count: 5,
      'dry-run': true,
      group: 'g',
    });
    expect(parseFlags([], spec)).toEqual({});
  });

  it.each([
    [['--nope'], /unknown option --nope/],
    [['extra'], /unexpected argument "extra"/],
    [['--count', '0'], /--count must be a positive integer/],
    [['--count', '-3'], /--count must be a positive integer/],
    [['--count'], /--count needs a value/],
    [['--dry-run=yes'], /takes no value/],
    [['--count', '1', '--count', '2'], /given twice/],
    [['--since', 'yesterday'], /--since must be epoch milliseconds or an ISO-8601/],
    [['--since', '2026-01-02T03:04:05'], /with Z or an offset/],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => parseFlags(args, spec)).toThrowError(UsageError);
    expect(() => parseFlags(args, spec)).toThrowError(message);
  });

  it('parses epoch ms, dates (midnight UTC) and offsets', () => {
    expect(parseTime('t', '1769000000000')).toBe(1_769_000_000_000);
    expect(parseTime('t', '2026-01-21')).toBe(Date.UTC(2026, 0, 21));
    expect(parseTime('t', '2026-01-21T10:00:00+02:00')).toBe(Date.UTC(2026, 0, 21, 8));
  });
});

describe('planRanges', () => {
  const partitions = [
    { partition: 1, low: 5n, high: 20n },
    { partition: 0, low: 0n, high: 10n },
  ];

  it('reads everything from the low watermark without a cursor or filters', () => {
    expect(planRanges({ partitions })).toEqual({
      ranges: [
        { partition: 0, start: 0n, end: 10n },
        { partition: 1, start: 5n, end: 20n },
      ],
      total: 25,
      passedOver: 0,
    });
  });

  it('starts at the cursor, applies the time bounds and the count partition by partition', () => {
    const plan = planRanges({
      partitions,
      cursor: new Map([[0, 4n]]),
      from: new Map([
        [0, 2n],
        [1, 8n],
      ]),
      to: new Map([
        [0, 9n],
        [1, 20n],
      ]),
      count: 10,
    });
    expect(plan.ranges).toEqual([
      { partition: 0, start: 4n, end: 9n },
      { partition: 1, start: 8n, end: 13n },
    ]);
    expect(plan.total).toBe(10);
    // Partition 1 has offsets 5..7 older than --since that its cursor (none: low 5) never redrove.
    expect(plan.passedOver).toBe(3);
  });

  it('never produces an inverted range when the cursor is past the time window', () => {
    const plan = planRanges({
      partitions,
      cursor: new Map([[0, 10n]]),
      to: new Map([
        [0, 3n],
        [1, 5n],
      ]),
    });
    expect(plan.ranges).toEqual([
      { partition: 0, start: 10n, end: 10n },
      { partition: 1, start: 5n, end: 5n },
    ]);
    expect(plan.total).toBe(0);
  });
});

describe('progress', () => {
  it('prints the first chunk at once, then at most one line per interval with the rate, and a final line', () => {
    let t = 0;
    const lines: string[] = [];
    const p = createProgress({ label: 'redriven', total: 5000, write: (l) => lines.push(l), now: () => t });
    t = 500;
    p.add(100);
    t = 1000;
    p.add(140);
    t = 1500;
    p.add(60);
    t = 5000;
    p.add(900);
    p.finish();
    expect(lines).toEqual(['redriven 100/5000 (200/s)', 'redriven 300/5000 (200/s)', 'redriven 1200/5000 (240/s)', 'redriven 1200/5000 (240/s)']);
    expect(p.done).toBe(1200);
  });
});

describe('dead-letter view', () => {
  it('shows the failure headers and a base64 value when it is not UTF-8', () => {
    const v = viewOf(3, {
      key: 'k',
      value: Buffer.from([0xc3, 0x28]),
      offset: '17',
      timestamp: String(Date.UTC(2026, 0, 21, 10)),
      headers: {
        [DLQ_HEADERS.attempts]: '5',
        [DLQ_HEADERS.errorCode]: 'ENVELOPE_INVALID',
        [DLQ_HEADERS.error]: 'value is not JSON',
        [DLQ_HEADERS.originalTopic]: 'hubspot.events',
        [DLQ_HEADERS.originalPartition]: '3',
        [DLQ_HEADERS.originalOffset]: '1234',
        [DLQ_HEADERS.firstFailureAt]: String(Date.UTC(2026, 0, 21, 9)),
      },
    });
    expect(v).toMatchObject({
      partition: 3,
      offset: '17',
      attempts: 5,
      errorCode: 'ENVELOPE_INVALID',
      original: { topic: 'hubspot.events', partition: 3, offset: '1234' },
      firstFailureAt: '2026-01-21T09:00:00.000Z',
      deadLetteredAt: '2026-01-21T10:00:00.000Z',
      value: 'wyg=',
      valueEncoding: 'base64',
    });
    expect(formatLine(v)).toBe(
      '3@17  2026-01-21T10:00:00.000Z  attempts=5  code=ENVELOPE_INVALID  from=hubspot.events/3@1234  first-failure=2026-01-21T09:00:00.000Z  key=k  error="value is not JSON"  value=base64:"wyg="',
    );
  });
});

describe('cli wiring', () => {
  it('lists both commands and refuses bad options with exit 2 before touching Kafka', async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runCli(
        ['--help'],
        {},
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(0);
    expect(out.join('\n')).toMatch(/dlq:inspect .*\n.*dlq:redrive /);
    expect(
      await runCli(
        ['dlq:redrive', '--count', 'all'],
        { KAFKA_BROKERS: '127.0.0.1:1' },
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err.join('\n')).toMatch(/^dlq:redrive: --count must be a positive integer.*\nusage: dlq:redrive/);
    expect(
      await runCli(
        ['dlq:inspect'],
        {},
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    ).toBe(2);
    expect(err.at(-1)).toMatch(/^dlq:inspect: invalid configuration: KAFKA_BROKERS: required/);
  });
});

describe('dead-letter settings', () => {
  it("default to HubSpot's topics, as the processor does, and take another provider's when set", () => {
    expect(loadDlqSettings({ KAFKA_BROKERS: 'k:1' })).toMatchObject({
      KAFKA_TOPIC: 'hubspot.events',
      KAFKA_DLQ_TOPIC: 'hubspot.events.dlq',
      KAFKA_CLIENT_ID: 'hookstream-cli',
      LOG_LEVEL: 'warn',
    });
    expect(loadDlqSettings({ KAFKA_BROKERS: 'k:1', KAFKA_TOPIC: 'sources.events', KAFKA_DLQ_TOPIC: 'sources.events.dlq' })).toMatchObject({
      KAFKA_TOPIC: 'sources.events',
      KAFKA_DLQ_TOPIC: 'sources.events.dlq',
    });
    expect(() => loadDlqSettings({ KAFKA_BROKERS: 'k:1', KAFKA_DLQ_TOPIC: 'a b' })).toThrowError(/^KAFKA_DLQ_TOPIC: must be a valid Kafka topic name/);
  });
});
