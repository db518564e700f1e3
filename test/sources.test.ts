import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '@hookstream/store';
import {
  DEPLOY_TOKENS,
  JSON_TYPE,
  LEDGER_SECRET,
  NOTES_KEYS,
  NOTES_MAX_EVENTS,
  ORDERS_SECRET,
  SIGNED_TOLERANCE_SEC,
  apiKeyHeaders,
  basicHeaders,
  bearerHeaders,
  ledgerHeaders,
  ordersHeaders,
  signedHeaders,
  validEvent,
  type Headers,
} from './support/sources-fixture.js';
import { startSourcesFleet, type Reply, type SourcesFleet } from './support/sources-fleet.js';

/**
 * The generic sources provider end to end on the real broker and database: HTTP request →
 * edge (auth, JSON Schema) → Kafka (acks=all) → processor group → one ledger row per event.
 */
describe('sources end to end', () => {
  let f: SourcesFleet;
  beforeAll(async () => {
    f = await startSourcesFleet({ processors: 2 });
  });
  afterAll(async () => f?.stop());

  const json = (v: unknown) => JSON.stringify(v);
  const notes = (event: unknown) => f.post('notes', json(event), apiKeyHeaders(NOTES_KEYS[0]));
  const errorsOf = (r: Reply) => r.json.errors ?? [];

  /** Posts and brackets the request in time, so the row's receivedAt can be checked. */
  async function timedPost(source: string, body: string, headers: Headers): Promise<Reply & { t0: number; t1: number }> {
    const t0 = Date.now();
    const r = await f.post(source, body, headers);
    return { ...r, t0, t1: Date.now() };
  }

  async function rowOf(source: string, idempotencyKey: string): Promise<LedgerRecord> {
    const rows = (await f.rows(source)).filter((r) => r.idempotencyKey === idempotencyKey);
    expect(rows, `${source} ${idempotencyKey}`).toHaveLength(1);
    return rows[0] as LedgerRecord;
  }

  function expectAccepted(r: Reply, n = 1): void {
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ accepted: n, requestId: expect.any(String) });
  }

  function expectRefused(r: Reply, status: number, code: string, what = ''): void {
    expect(r.status, `${what} ${r.text}`).toBe(status);
    expect(r.json.code).toBe(code);
    expect(typeof r.json.message).toBe('string');
  }

  /** What the pipeline holds now; `untouched` then proves a refusal left no trace in either. */
  async function mark(): Promise<{ inTopic: number; rows: number }> {
    await f.drained();
    return { inTopic: await f.inTopic(), rows: (await f.rows()).length };
  }
  async function expectUntouched(before: { inTopic: number; rows: number }): Promise<void> {
    expect(await f.inTopic(), 'messages on the sources topic').toBe(before.inTopic);
    await f.drained();
    expect((await f.rows()).length, 'ledger rows').toBe(before.rows);
  }

  /** The row's ledger fields, and that it was received during the request and processed after. */
  function expectRow(row: LedgerRecord, want: Partial<LedgerRecord>, req: { t0: number; t1: number; json: Reply['json'] }): void {
    expect(row).toMatchObject({ provider: 'sources', requestId: req.json.requestId, ...want });
    expect(row.receivedAt).toBeGreaterThanOrEqual(req.t0);
    expect(row.receivedAt).toBeLessThanOrEqual(req.t1);
    expect(row.processedAt).toBeGreaterThanOrEqual(row.receivedAt);
  }

  describe('each auth type', () => {
    it('api_key: both rotating keys are accepted; wrong, partial, missing or foreign keys get 401 and leave no trace', async () => {
      const created = validEvent('notes', 101);
      const deleted = { event_id: 'evt_102', type: 'note.deleted', occurred_at: '2026-03-02T00:00:00Z', account: 'acct_2', note: { id: 'n_102' } };
      const a = await timedPost('notes', json(created), apiKeyHeaders(NOTES_KEYS[0]));
      const b = await timedPost('notes', json(deleted), apiKeyHeaders(NOTES_KEYS[1]));
      expectAccepted(a);
      expectAccepted(b);
      await f.drained();
      expectRow(
        await rowOf('notes', 'evt_101'),
        {
          source: 'notes',
          type: 'note.created',
          tenant: 'acct_1',
          subject: 'n_101',
          eventId: 'evt_101',
          idempotencyKey: 'evt_101',
          occurredAt: Date.parse('2026-03-01T08:00:00.250Z'),
          raw: created,
        },
        a,
      );
      // note.deleted's schema is a $ref to a file that $refs another: both were resolved.
      expectRow(
        await rowOf('notes', 'evt_102'),
        {
          source: 'notes',
          type: 'note.deleted',
          tenant: 'acct_2',
          subject: 'n_102',
          eventId: 'evt_102',
          occurredAt: Date.parse('2026-03-02T00:00:00Z'),
          raw: deleted,
        },
        b,
      );

      const before = await mark();
      const body = json(validEvent('notes', 103));
      for (const headers of [
        apiKeyHeaders('notes-key-0003-never-issued'),
        apiKeyHeaders(NOTES_KEYS[0].slice(0, -1)),
        apiKeyHeaders(`${NOTES_KEYS[1]}x`),
        apiKeyHeaders(DEPLOY_TOKENS[0]),
        JSON_TYPE,
        { ...JSON_TYPE, authorization: `Bearer ${NOTES_KEYS[0]}` },
      ]) {
        expectRefused(await f.post('notes', body, headers), 401, 'INVALID_CREDENTIALS');
      }
      await expectUntouched(before);
    });

    it('hmac sha256 hex with a prefix: the signed body is stored; tampered, unprefixed, other-secret or missing signatures get 401', async () => {
      const order = validEvent('orders', 201);
      const body = json(order);
      const r = await timedPost('orders', body, ordersHeaders(body, { shop: 'shop-9' }));
      expectAccepted(r);
      await f.drained();
      expectRow(
        await rowOf('orders', '1201'),
        {
          source: 'orders',
          type: 'order.paid',
          tenant: 'shop-9',
          subject: 'cus_201',
          eventId: '1201',
          idempotencyKey: '1201',
          occurredAt: (1_767_225_600 + 201) * 1000,
          raw: order,
        },
        r,
      );

      const before = await mark();
      const good = ordersHeaders(body, { shop: 'shop-9' });
      const other = json(validEvent('orders', 202));
      for (const [what, b, headers] of [
        ['tampered body', body.replace('12.5', '1250'), good],
        ['signature of another body', other, good],
        ['no prefix', body, ordersHeaders(body, { prefix: '' })],
        ['wrong secret', body, ordersHeaders(body, { secret: `${ORDERS_SECRET}x` })],
        ['HMAC-SHA512 under the sha256= prefix', body, { ...good, 'x-signature': `sha256=${createHmac('sha512', ORDERS_SECRET).update(body).digest('hex')}` }],
        ['truncated digest', body, { ...good, 'x-signature': (good['x-signature'] as string).slice(0, -2) }],
        ['missing header', body, { ...JSON_TYPE, 'x-shop': 'shop-9' }],
      ] as const) {
        expectRefused(await f.post('orders', b, headers), 401, 'INVALID_CREDENTIALS', what);
      }
      await expectUntouched(before);
    });

    it('hmac sha512 base64: type and part of the key from headers; tampered bodies and other algorithms or encodings get 401', async () => {
      const entry = { seq: 7, at_ms: '1767225600999', memo: 'void it' };
      const body = json(entry);
      const r = await timedPost('ledger', body, ledgerHeaders(body, { type: 'entry.voided', shard: 'shard-b' }));
      expectAccepted(r);
      await f.drained();
      expectRow(
        await rowOf('ledger', 'shard-b:7'),
        {
          source: 'ledger',
          type: 'entry.voided',
          tenant: null,
          subject: null,
          eventId: 'shard-b:7',
          occurredAt: 1_767_225_600_999,
          raw: entry,
        },
        r,
      );

      const before = await mark();
      const good = ledgerHeaders(body, { type: 'entry.voided', shard: 'shard-b' });
      for (const [b, headers] of [
        [body.replace('void it', 'void me'), good],
        [body, ledgerHeaders(body, { algorithm: 'sha256' })],
        [body, { ...good, 'x-ledger-signature': createHmac('sha512', LEDGER_SECRET).update(body).digest('hex') }],
        [body, ledgerHeaders(body, { secret: 'ledger-hmac-secret-sha512-0002' })],
        [body, { ...good, 'x-ledger-signature': '' }],
      ] as const) {
        expectRefused(await f.post('ledger', b, headers), 401, 'INVALID_CREDENTIALS');
      }
      await expectUntouched(before);
    });

    it('standard_webhooks: a signed delivery is keyed by webhook-id; expired, future, tampered, foreign or incomplete signatures get 401', async () => {
      const invoice = { type: 'invoice.paid', timestamp: '2026-01-01T12:30:00.125Z', data: { id: 'in_301', total: 301 } };
      const body = json(invoice);
      const r = await timedPost('signed', body, signedHeaders(body, { id: 'msg_301' }));
      expectAccepted(r);
      await f.drained();
      expectRow(
        await rowOf('signed', 'msg_301'),
        {
          source: 'signed',
          type: 'invoice.paid',
          tenant: null,
          subject: 'in_301',
          eventId: 'msg_301',
          idempotencyKey: 'msg_301',
          occurredAt: Date.parse('2026-01-01T12:30:00.125Z'),
          raw: invoice,
        },
        r,
      );

      const before = await mark();
      const now = Date.now();
      const good = signedHeaders(body, { id: 'msg_302' });
      const withoutSignature: Headers = { ...good };
      delete withoutSignature['webhook-signature'];
      for (const [b, headers] of [
        [body, signedHeaders(body, { id: 'msg_302', atMs: now - (SIGNED_TOLERANCE_SEC + 60) * 1000 })],
        [body, signedHeaders(body, { id: 'msg_302', atMs: now + (SIGNED_TOLERANCE_SEC + 60) * 1000 })],
        [body.replace('301', '999'), good],
        [body, { ...good, 'webhook-id': 'msg_303' }],
        [body, signedHeaders(body, { id: 'msg_302', key: Buffer.from('another-standard-webhooks-key-01') })],
        [body, withoutSignature],
        [body, { ...good, 'webhook-timestamp': 'soon' }],
      ] as const) {
        expectRefused(await f.post('signed', b, headers), 401, 'INVALID_CREDENTIALS');
      }
      await expectUntouched(before);
    });

    it('basic: the pair is accepted and the event keyed by its content; a wrong password, user, scheme or no header gets 401', async () => {
      const form = { kind: 'submission', form: 'contact', fields: { email: 'basic-401@example.com' } };
      const body = json(form);
      const r = await timedPost('forms', body, basicHeaders());
      expectAccepted(r);
      await f.drained();
      // No idempotencyKey and no webhook-id: the key is the SHA-256 of the event's JSON.
      const key = createHash('sha256').update(JSON.stringify(form)).digest('hex');
      const row = await rowOf('forms', key);
      // No occurredAt field: the time the edge received the delivery.
      expectRow(row, { source: 'forms', type: 'submission', tenant: null, subject: null, eventId: key, raw: form }, r);
      expect(row.occurredAt).toBe(row.receivedAt);

      const before = await mark();
      for (const headers of [
        basicHeaders('forms', 'forms-basic-password-0002'),
        basicHeaders('other', 'forms-basic-password-0001'),
        { ...JSON_TYPE, authorization: `Bearer ${Buffer.from('forms:forms-basic-password-0001').toString('base64')}` },
        { ...JSON_TYPE, authorization: 'Basic not*base64' },
        JSON_TYPE,
      ]) {
        expectRefused(await f.post('forms', body, headers), 401, 'INVALID_CREDENTIALS');
      }
      await expectUntouched(before);
    });

    it('bearer: both rotating tokens are accepted; a wrong token, another scheme or no header gets 401', async () => {
      const a = { deploy_id: 'dep_501', finished_at: '2026-02-01T08:30:00-05:00', team: 'platform', ok: true };
      const b = { deploy_id: 'dep_502', finished_at: '2026-02-01T13:31:00Z', team: 'data', ok: false };
      const ra = await timedPost('deploys', json(a), bearerHeaders(DEPLOY_TOKENS[0]));
      const rb = await timedPost('deploys', json(b), bearerHeaders(DEPLOY_TOKENS[1]));
      expectAccepted(ra);
      expectAccepted(rb);
      await f.drained();
      expectRow(
        await rowOf('deploys', 'dep_501'),
        {
          source: 'deploys',
          type: 'deploy.finished',
          tenant: 'platform',
          subject: null,
          eventId: 'dep_501',
          occurredAt: Date.parse('2026-02-01T13:30:00Z'),
          raw: a,
        },
        ra,
      );
      expectRow(await rowOf('deploys', 'dep_502'), { tenant: 'data', occurredAt: Date.parse('2026-02-01T13:31:00Z'), raw: b }, rb);

      const before = await mark();
      const body = json({ ...a, deploy_id: 'dep_503' });
      for (const headers of [
        bearerHeaders('deploy-token-0003-abcdef'),
        bearerHeaders(`${DEPLOY_TOKENS[0]}x`),
        { ...JSON_TYPE, authorization: `Basic ${DEPLOY_TOKENS[0]}` },
        { ...JSON_TYPE, authorization: 'Bearer' },
        { ...JSON_TYPE, 'x-api-key': DEPLOY_TOKENS[0] },
        JSON_TYPE,
      ]) {
        expectRefused(await f.post('deploys', body, headers), 401, 'INVALID_CREDENTIALS');
      }
      await expectUntouched(before);
    });
  });

  describe('refusals', () => {
    it('schema failures get 422 with the JSON pointer of each failure, inline and $ref schemas alike', async () => {
      const before = await mark();
      const missing = validEvent('notes', 601) as { note: Record<string, unknown>; account?: unknown };
      delete missing.account;
      delete missing.note.text;
      const r1 = await notes(missing);
      expectRefused(r1, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r1)).toEqual(
        expect.arrayContaining([
          { path: '/account', message: 'is required' },
          { path: '/note/text', message: 'is required' },
        ]),
      );

      const r2 = await notes({ ...validEvent('notes', 602), account: 7, note: { id: 'n_602', text: ['not', 'text'] } });
      expectRefused(r2, 422, 'VALIDATION_FAILED');
      expect(
        errorsOf(r2)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['/account', '/note/text']);
      expect(errorsOf(r2)[0]?.message).toMatch(/must be string/);

      // The $ref'd file's $ref'd definition (pattern ^n_[a-z0-9]+$) applies.
      const r3 = await notes({ event_id: 'evt_603', type: 'note.deleted', occurred_at: '2026-03-02T00:00:00Z', account: 'a', note: { id: 'NOT-A-NOTE' } });
      expectRefused(r3, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r3)).toEqual([{ path: '/note/id', message: expect.stringMatching(/pattern/) }]);

      // Ledger fields the source reads are checked too: a time that is no time, a key of the wrong type.
      const r4 = await notes({ ...validEvent('notes', 604), occurred_at: '2026-13-01T00:00:00Z' });
      expectRefused(r4, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r4)).toEqual([{ path: '/occurred_at', message: expect.stringMatching(/ISO-8601/) }]);
      const r5 = await f.post('orders', json({ ...validEvent('orders', 605), id: 'x1' }), ordersHeaders(json({ ...validEvent('orders', 605), id: 'x1' })));
      expectRefused(r5, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r5).map((e) => e.path)).toContain('/id');
      await expectUntouched(before);
    });

    it('an unknown event type (from the body or a header) gets 422, an unknown source 404, a body that is no delivery 400', async () => {
      const before = await mark();
      const r1 = await notes({ ...validEvent('notes', 701), type: 'note.archived' });
      expectRefused(r1, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r1)).toEqual([
        { path: '/type', message: expect.stringMatching(/^unknown event type "note.archived" \(expected note.created, note.deleted\)/) },
      ]);
      const entry = json(validEvent('ledger', 702));
      const r2 = await f.post('ledger', entry, ledgerHeaders(entry, { type: 'entry.reversed' }));
      expectRefused(r2, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r2)).toEqual([{ path: '', message: expect.stringMatching(/unknown event type "entry.reversed"/) }]);
      // Part of the key is a header: without it no event can be keyed.
      const noShard = ledgerHeaders(entry);
      delete noShard['x-shard'];
      const r3 = await f.post('ledger', entry, noShard);
      expectRefused(r3, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r3)).toEqual([{ path: '', message: 'header x-shard is missing (idempotency key)' }]);

      for (const name of ['nope', 'NOTES', 'notes-', 'no%20such', 'hubspot']) {
        const r = await f.post(name, json(validEvent('notes', 703)), apiKeyHeaders(NOTES_KEYS[0]));
        expectRefused(r, 404, 'SOURCE_NOT_FOUND', name);
      }
      for (const body of ['{"event_id": "evt_704",', 'not json', '[]', '42', '"a string"', 'null', '[{"event_id":"evt_705"}]]', '']) {
        expectRefused(await f.post('notes', body, apiKeyHeaders(NOTES_KEYS[0])), 400, 'BAD_REQUEST', body);
      }
      const tooMany = Array.from({ length: NOTES_MAX_EVENTS + 1 }, (_, i) => validEvent('notes', 710 + i));
      const r4 = await f.post('notes', json(tooMany), apiKeyHeaders(NOTES_KEYS[0]));
      expectRefused(r4, 400, 'BAD_REQUEST');
      expect(r4.json.message).toMatch(/11 events, more than the maximum of 10/);
      // Exactly at the maximum is a delivery (a check that the limit is not off by one).
      expectAccepted(await f.post('notes', json(tooMany.slice(0, NOTES_MAX_EVENTS)), apiKeyHeaders(NOTES_KEYS[0])), NOTES_MAX_EVENTS);
      await f.drained();
      expect((await f.rows()).length).toBe(before.rows + NOTES_MAX_EVENTS);
    });

    it('a batch with one invalid event is refused whole: 422 naming /<index>/…, nothing of it produced or stored', async () => {
      const before = await mark();
      const batch: Array<Record<string, unknown>> = Array.from({ length: 5 }, (_, i) => validEvent('notes', 801 + i));
      delete batch[3]?.event_id;
      const r = await notes(batch);
      expectRefused(r, 422, 'VALIDATION_FAILED');
      // The key field is also the schema's: both report it, each at /3/event_id.
      expect(errorsOf(r).map((e) => e.path)).toEqual(['/3/event_id', '/3/event_id']);
      expect(r.json.message).toMatch(/^delivery refused: \/3\/event_id: /);

      // Several bad events: every one is reported, each at its own index.
      const two = Array.from({ length: 6 }, (_, i) => validEvent('notes', 811 + i));
      two[1] = { ...two[1], type: 'note.archived' };
      two[4] = { ...two[4], note: { id: 'n_815' } };
      const r2 = await notes(two);
      expectRefused(r2, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r2)).toEqual([
        { path: '/1/type', message: expect.stringMatching(/unknown event type/) },
        { path: '/4/note/text', message: 'is required' },
      ]);

      const signedBatch = json([validEvent('signed', 821), { type: 'invoice.paid', timestamp: 'yesterday', data: { id: 'in_822', total: 1 } }]);
      const r3 = await f.post('signed', signedBatch, signedHeaders(signedBatch, { id: 'msg_821' }));
      expectRefused(r3, 422, 'VALIDATION_FAILED');
      expect(errorsOf(r3).map((e) => e.path)).toEqual(['/1/timestamp', '/1/timestamp']);
      await expectUntouched(before);
      // The valid neighbours of the refused events were not stored on their own either.
      const keys = new Set((await f.rows('notes')).map((row) => row.idempotencyKey));
      for (const id of ['evt_801', 'evt_802', 'evt_803', 'evt_805', 'evt_811', 'evt_813']) expect(keys.has(id)).toBe(false);
    });
  });

  describe('duplicates and redeliveries', () => {
    it('the same event posted twice, and twice inside one batch, is one row', async () => {
      const e = validEvent('notes', 901);
      expectAccepted(await f.post('notes', json(e), apiKeyHeaders(NOTES_KEYS[0])));
      // A sender's retry may carry the other key and other whitespace; the key is the event's id.
      expectAccepted(await f.post('notes', JSON.stringify(e, null, 2), apiKeyHeaders(NOTES_KEYS[1])));
      const e2 = validEvent('notes', 902);
      expectAccepted(await f.post('notes', json([e2, validEvent('notes', 903), { ...e2 }]), apiKeyHeaders(NOTES_KEYS[0])), 3);
      await f.drained();
      const rows = (await f.rows('notes')).filter((r) => ['evt_901', 'evt_902', 'evt_903'].includes(r.idempotencyKey));
      expect(rows.map((r) => r.idempotencyKey).sort()).toEqual(['evt_901', 'evt_902', 'evt_903']);

      // Content-keyed (basic): the same event re-sent with other whitespace and escapes hashes the same.
      const form = { kind: 'submission', form: 'dup', fields: { name: 'Zoë' } };
      expectAccepted(await f.post('forms', json(form), basicHeaders()));
      expectAccepted(await f.post('forms', '{ "kind": "submission", "form": "dup", "fields": { "name": "Zo\\u00eb" } }', basicHeaders()));
      await f.drained();
      expect((await f.rows('forms')).filter((r) => (r.raw as { form?: string }).form === 'dup')).toHaveLength(1);

      // Keys are unique per source only: the same id in two sources is two events.
      expectAccepted(await notes({ ...validEvent('notes', 904), event_id: 'shared_904' }));
      expectAccepted(await f.post('deploys', json({ ...validEvent('deploys', 904), deploy_id: 'shared_904' }), bearerHeaders(DEPLOY_TOKENS[1])));
      await f.drained();
      expect(
        (await f.rows())
          .filter((r) => r.idempotencyKey === 'shared_904')
          .map((r) => r.source)
          .sort(),
      ).toEqual(['deploys', 'notes']);
    });

    it('a Kafka redelivery of an accepted message is still one row, the first one', async () => {
      const e = validEvent('deploys', 1001);
      const r = await f.post('deploys', json(e), bearerHeaders(DEPLOY_TOKENS[0]));
      expectAccepted(r);
      await f.drained();
      const first = await rowOf('deploys', 'dep_1001');
      // The exact message the edge produced (value bytes and key), found by its request id.
      const delivery = f.published.find((p) =>
        p.messages.some((m) => (JSON.parse(m.value.toString('utf8')) as { requestId?: string }).requestId === r.json.requestId),
      );
      expect(delivery?.messages).toHaveLength(1);
      const before = await f.inTopic();
      await f.reproduce(delivery?.messages ?? []);
      await f.reproduce(delivery?.messages ?? []);
      expect(await f.inTopic()).toBe(before + 2);
      await f.drained();
      expect(await rowOf('deploys', 'dep_1001')).toEqual(first);
    });

    it('standard_webhooks: webhook-id is the default key; a re-signed retry is one row, another id is another row, a batch keys by index', async () => {
      const invoice = { type: 'invoice.voided', timestamp: '2026-01-02T00:00:00Z', data: { id: 'in_1101', total: 0 } };
      const body = json(invoice);
      expectAccepted(await f.post('signed', body, signedHeaders(body, { id: 'msg_1101', atMs: Date.now() - 120_000 })));
      // The sender's retry: the same id, a newer timestamp and so another signature.
      expectAccepted(await f.post('signed', body, signedHeaders(body, { id: 'msg_1101' })));
      expectAccepted(await f.post('signed', body, signedHeaders(body, { id: 'msg_1102' })));
      const batch = json([validEvent('signed', 1103), validEvent('signed', 1104)]);
      expectAccepted(await f.post('signed', batch, signedHeaders(batch, { id: 'msg_1103' })), 2);
      expectAccepted(await f.post('signed', batch, signedHeaders(batch, { id: 'msg_1103' })), 2);
      await f.drained();
      const rows = (await f.rows('signed')).filter((row) => row.idempotencyKey.startsWith('msg_110'));
      // Sorted by key: the batch's two events have different subjects, so different partitions.
      expect(rows.map((row) => [row.eventId, row.idempotencyKey, row.subject]).sort()).toEqual([
        ['msg_1101', 'msg_1101', 'in_1101'],
        ['msg_1102', 'msg_1102', 'in_1101'],
        ['msg_1103:0', 'msg_1103:0', 'in_1103'],
        ['msg_1103:1', 'msg_1103:1', 'in_1104'],
      ]);
    });
  });

  describe('time and order', () => {
    it('occurredAt is read from ISO-8601 (Z or offset, fractions), epoch seconds and epoch milliseconds', async () => {
      const iso: Array<[string, string]> = [
        ['2026-03-01T10:00:00.250+02:00', '2026-03-01T08:00:00.250Z'],
        ['2026-03-01T08:00:00Z', '2026-03-01T08:00:00.000Z'],
        ['2026-03-01 08:00:00.5z', '2026-03-01T08:00:00.500Z'],
        ['2026-02-28T23:30:00-0830', '2026-03-01T08:00:00.000Z'],
      ];
      const notesBatch = iso.map(([t], i) => ({ ...validEvent('notes', 1201 + i), occurred_at: t }));
      expectAccepted(await f.post('notes', json(notesBatch), apiKeyHeaders(NOTES_KEYS[0])), iso.length);
      // ledger's at_ms takes a number or a numeric string: below 1e12 it is seconds.
      const epochs: Array<[number | string, number]> = [
        [1_767_225_600_123, 1_767_225_600_123],
        ['1767225600456', 1_767_225_600_456],
        [1_767_225_600, 1_767_225_600_000],
        ['1767225600.5', 1_767_225_600_500],
        ['1767225600.123', 1_767_225_600_123],
      ];
      const ledgerBatch = json(epochs.map(([at], i) => ({ seq: 1210 + i, at_ms: at })));
      expectAccepted(await f.post('ledger', ledgerBatch, ledgerHeaders(ledgerBatch, { shard: 'time' })), epochs.length);
      // orders.created is an integer of epoch seconds.
      const order = json({ ...validEvent('orders', 1220), created: 1_700_000_000 });
      expectAccepted(await f.post('orders', order, ordersHeaders(order)));
      await f.drained();

      for (const [i, [, want]] of iso.entries()) expect((await rowOf('notes', `evt_${1201 + i}`)).occurredAt, iso[i]?.[0]).toBe(Date.parse(want));
      for (const [i, [given, want]] of epochs.entries()) expect((await rowOf('ledger', `time:${1210 + i}`)).occurredAt, String(given)).toBe(want);
      expect((await rowOf('orders', '2220')).occurredAt).toBe(1_700_000_000_000);

      // Times the source cannot read are refused, not guessed.
      const before = await mark();
      for (const bad of ['2026-03-01T08:00:00', '2026-02-30T00:00:00Z', '1969-12-31T23:59:59Z', '2100-01-01T00:00:00Z', 'soon']) {
        const r = await notes({ ...validEvent('notes', 1230), occurred_at: bad });
        expectRefused(r, 422, 'VALIDATION_FAILED');
        expect(r.json.errors?.[0]?.path, bad).toBe('/occurred_at');
      }
      await expectUntouched(before);
    });

    it('the changes feed (ledger id order) is commit order: a reader tailing it while replicas write concurrently misses nothing', async () => {
      await f.drained();
      const [top] = (await f.ds.query("SELECT COALESCE(MAX(id), 0) AS m FROM events WHERE provider = 'sources'")) as Array<{ m: number | string }>;
      const start = Number(top?.m ?? 0);
      const seen: number[] = [];
      let stop = false;
      // Small pages, read as fast as the database answers, from the last id seen: a row that
      // committed with an id below one already read would be skipped for good.
      const tail = async (): Promise<void> => {
        let after = start;
        for (;;) {
          const last = stop;
          const page = await f.ledger.changes({ afterId: after, limit: 7, provider: 'sources' });
          for (const { record } of page) {
            seen.push(record.id);
            after = record.id;
          }
          if (last && page.length === 0) return;
          if (page.length === 0) await new Promise((r) => setTimeout(r, 5));
        }
      };
      const tailing = tail();
      // Many subjects and tenants: every partition, so both replicas write at the same time.
      const posts = Array.from({ length: 60 }, (_, i) => {
        if (i % 3 === 0)
          return f.post(
            'notes',
            json([validEvent('notes', 2000 + i), validEvent('notes', 3000 + i)]),
            apiKeyHeaders(i % 2 === 0 ? NOTES_KEYS[0] : NOTES_KEYS[1]),
          );
        if (i % 3 === 1) return f.post('deploys', json({ ...validEvent('deploys', 2000 + i), team: `team-${i}` }), bearerHeaders(DEPLOY_TOKENS[0]));
        const o = json({ ...validEvent('orders', 2000 + i) });
        return f.post('orders', o, ordersHeaders(o, { shop: `shop-${i}` }));
      });
      for (const r of await Promise.all(posts)) expect(r.status, r.text).toBe(200);
      await f.drained();
      stop = true;
      await tailing;

      const all = (await f.rows()).map((r) => r.id).filter((id) => id > start);
      expect(all).toHaveLength(80);
      expect(seen).toEqual(all);
      // Strictly increasing: the feed never went back.
      expect(seen.every((id, i) => i === 0 || id > (seen[i - 1] as number))).toBe(true);
    });
  });

  /** Bugs this file found first (each was accepted and lost data, or answered so the sender retried forever). */
  describe('keys and sizes that once lost events', () => {
    it('an integer key beyond 2^53 - 1 is refused (JSON.parse would round both ids to 9007199254740992); every accepted event is a row', async () => {
      const a = '{"id":9007199254740993,"created":1767225600,"amount":1}';
      const b = '{"id":9007199254740992,"created":1767225600,"amount":2}';
      const c = '{"id":9007199254740991,"created":1767225600,"amount":3}';
      const replies = [await f.post('orders', a, ordersHeaders(a)), await f.post('orders', b, ordersHeaders(b)), await f.post('orders', c, ordersHeaders(c))];
      await f.drained();
      const rows = (await f.rows('orders')).filter((r) => r.idempotencyKey.startsWith('90071992547409'));
      expect(replies.map((r) => r.status)).toEqual([422, 422, 200]);
      expect(JSON.parse(replies[0]?.text ?? '{}')).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/id' }] });
      expect(rows.map((r) => r.idempotencyKey)).toEqual(['9007199254740991']);
    });

    it('keys that differ only by trailing spaces are two events (the key column compares bytes, not PAD SPACE text)', async () => {
      const replies = [await notes({ ...validEvent('notes', 1301), event_id: 'evt_pad' }), await notes({ ...validEvent('notes', 1302), event_id: 'evt_pad ' })];
      await f.drained();
      const rows = (await f.rows('notes')).filter((r) => r.idempotencyKey.startsWith('evt_pad'));
      expect(replies.map((r) => r.status)).toEqual([200, 200]);
      expect(rows.length).toBe(2);
    });

    it('an event larger than the broker accepts (1.2 MB, under the 2 MiB body limit) gets 413, not 503 "retry later" forever', async () => {
      const body = JSON.stringify({ kind: 'submission', form: 'big', fields: { blob: 'x'.repeat(1_200_000) } });
      const before = await f.inTopic();
      const r = await f.post('forms', body, basicHeaders());
      expect(await f.inTopic()).toBe(before);
      expect(r.status, r.text).toBe(413);
      expect(JSON.parse(r.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });
});
