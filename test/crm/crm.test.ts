import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmProvider } from '@hookstream/crm';
import { demoDeal } from '@hookstream/crm/testing';
import { deliveryBody, matchesFilter, type EndpointFilter } from '@hookstream/deliveries';
import { createRegistry } from '@hookstream/observability';
import type { DeclaredEndpoint, Provider } from '@hookstream/pipeline';
import type { LedgerRecord } from '@hookstream/store';
import { CRM_KEYS, EU_KEY, crmHeaders } from '../support/crm-fixture.js';
import { startCrmFleet, type CrmFleet, type Reply } from '../support/crm-fleet.js';

/**
 * CRM deal webhooks end to end on the real broker and database: HTTP request → edge (API key,
 * x-event, the deal's shape) → Kafka (acks=all) → processor group → one ledger row per
 * (deal, status) and the deal tables in the same transaction → events-api's routes.
 */
describe('crm deal webhooks end to end', () => {
  let f: CrmFleet;
  beforeAll(async () => {
    f = await startCrmFleet({ processors: 2 });
  });
  afterAll(async () => f?.stop());

  const deal = (dealId: string, status: string, over: { dealValue?: number } = {}) => demoDeal({ dealId, status, ...over });
  const post = (body: unknown, event = 'deal_updated', key: string = CRM_KEYS[1], source = 'crm') => f.post(source, body, crmHeaders(key, event));
  const rowsOf = async (dealId: string) => (await f.rows()).filter((r) => r.subject === dealId);
  const history = (dealId: string) =>
    f.query('SELECT status, event_type, advanced, event_id FROM crm_deal_status_history WHERE deal_id = ? ORDER BY reached_at, event_id', [dealId]);

  function expectAccepted(r: Reply): void {
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({ accepted: 1, requestId: expect.any(String) });
  }

  it('stores the reference system’s demo deal: ledger row, deal state and history, read back through events-api', async () => {
    const body = demoDeal();
    const t0 = Date.now();
    const created = await post(body, 'deal_created', CRM_KEYS[0]);
    const t1 = Date.now();
    expectAccepted(created);
    await f.drained();

    const [row, ...more] = await rowsOf('D-927483-XYZ');
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      provider: 'crm',
      source: 'crm',
      type: 'deal_created',
      subject: 'D-927483-XYZ',
      tenant: null,
      eventId: 'D-927483-XYZ:Qualified',
      idempotencyKey: 'D-927483-XYZ:Qualified',
      requestId: created.json.requestId,
      raw: body,
    });
    const r = row as LedgerRecord;
    expect(r.occurredAt).toBe(r.receivedAt);
    expect(r.receivedAt).toBeGreaterThanOrEqual(t0);
    expect(r.receivedAt).toBeLessThanOrEqual(t1);

    const state = await f.api('/deals/crm/D-927483-XYZ');
    expect(state.status, state.text).toBe(200);
    expect(state.json).toMatchObject({
      source: 'crm',
      dealId: 'D-927483-XYZ',
      status: 'Qualified',
      stageRank: 2,
      statusLedgerId: r.id,
      deal: { dealName: 'The Grand Cypress Acquisition', dealValue: 12500000, currency: 'USD', status: 'Qualified', closingDate: '2026-03-15' },
      customer: { contactId: 'CUST-45678', firstName: 'John', lastName: 'Doe', email: 'john.doe@example.com', phoneNumber: '+1234567890' },
      property: { propertyId: 'PROP-101122', city: 'Coastal City', zipCode: '90210', squareFootage: 15000 },
      firstSeenAt: r.receivedAt,
      lastEventAt: r.receivedAt,
    });

    expectAccepted(await post(demoDeal({ status: 'Committed' }), 'deal_updated', CRM_KEYS[1]));
    await f.drained();
    const committed = await f.api('/deals/crm/D-927483-XYZ');
    expect(committed.json).toMatchObject({ status: 'Committed', stageRank: 5 });
    const timeline = await f.api('/deals/crm/D-927483-XYZ/timeline');
    expect(timeline.status, timeline.text).toBe(200);
    expect(timeline.json).toMatchObject({
      source: 'crm',
      dealId: 'D-927483-XYZ',
      nextCursor: null,
      timeline: [
        { status: 'Qualified', stageRank: 2, type: 'deal_created', advanced: true, ledgerId: r.id },
        { status: 'Committed', stageRank: 5, type: 'deal_updated', advanced: true, ledgerId: committed.json.statusLedgerId },
      ],
    });

    // The cross-provider ledger has both, in the ledger's JSON plus the deal and the status.
    const events = await f.api('/events?provider=crm&dealId=D-927483-XYZ');
    expect(events.status, events.text).toBe(200);
    expect(events.json.events).toEqual([
      expect.objectContaining({ id: r.id, provider: 'crm', source: 'crm', type: 'deal_created', dealId: 'D-927483-XYZ', status: 'Qualified', raw: body }),
      expect.objectContaining({ provider: 'crm', type: 'deal_updated', dealId: 'D-927483-XYZ', status: 'Committed', eventId: 'D-927483-XYZ:Committed' }),
    ]);
    expect(events.json.nextCursor).toBeNull();

    expect(await f.api('/deals/crm/D-unknown')).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
    expect(await f.api('/deals/crm/D-unknown/timeline')).toMatchObject({ status: 404 });
    expect(await f.api('/deals/crm-eu/D-927483-XYZ')).toMatchObject({ status: 404 });
  });

  it('stores one row per (deal, status) whatever the redeliveries, so each rule’s action fires once', async () => {
    const id = 'D-dup-0001';
    // Sender retries, other x-event values, changed fields and concurrent copies of one (deal, status).
    expectAccepted(await post(deal(id, 'Qualified'), 'deal_created'));
    const copies = await Promise.all([
      post(deal(id, 'Qualified'), 'deal_created'),
      post(deal(id, 'Qualified', { dealValue: 1 }), 'deal_updated'),
      post(deal(id, 'Qualified'), 'deal_updated', CRM_KEYS[0]),
      post(deal(id, 'Committed')),
      post(deal(id, 'Committed')),
    ]);
    for (const r of copies) expectAccepted(r);
    // Kafka redelivering every message of this deal once more.
    await f.reproduce(f.published.filter((m) => m.key === `crm:${id}`));
    await f.drained();

    const rows = await rowsOf(id);
    expect(rows.map((r) => r.idempotencyKey).sort()).toEqual([`${id}:Committed`, `${id}:Qualified`]);
    expect((await history(id)).map((h) => h.status).sort()).toEqual(['Committed', 'Qualified']);
    const state = await f.api(`/deals/crm/${id}`);
    expect(state.json).toMatchObject({ status: 'Committed' });
    // The first copy of Qualified is the one stored: the one with dealValue 1 was a no-op.
    expect((rows.find((r) => r.idempotencyKey.endsWith(':Qualified'))?.raw as ReturnType<typeof demoDeal>).data).toMatchObject({
      dealDetails: { dealValue: 12500000 },
    });

    // What the dispatcher would fan out: each stored row against the endpoints the rules declare.
    const ctx = { env: f.env, log: undefined as never, now: Date.now, registry: createRegistry('x', false) };
    const { endpoints } = await (crmProvider.deliveries as NonNullable<Provider['deliveries']>)(ctx);
    const fired = (e: DeclaredEndpoint) =>
      rows.filter((r) =>
        matchesFilter(e.filter as EndpointFilter, {
          provider: r.provider,
          source: r.source,
          type: r.type,
          body: deliveryBody(r) as unknown as Record<string, unknown>,
        }),
      ).length;
    expect(Object.fromEntries(endpoints.filter((e) => e.id.startsWith('ep_crm_crm_')).map((e) => [e.id, fired(e)]))).toEqual({
      ep_crm_crm_qualified_meta_capi: 1,
      ep_crm_crm_committed_meta_capi: 1,
      ep_crm_crm_committed_brevo: 1,
    });
  });

  it('keeps a deal at Committed when its Qualified event arrives after it; the history has both', async () => {
    const id = 'D-ooo-0001';
    expectAccepted(await post(deal(id, 'Committed', { dealValue: 777 })));
    await f.drained();
    expectAccepted(await post(deal(id, 'Qualified', { dealValue: 555 }), 'deal_created'));
    await f.drained();

    const state = await f.api(`/deals/crm/${id}`);
    const rows = await rowsOf(id);
    const committed = rows.find((r) => r.idempotencyKey === `${id}:Committed`) as LedgerRecord;
    expect(state.json).toMatchObject({ status: 'Committed', stageRank: 5, statusLedgerId: committed.id, deal: { status: 'Committed', dealValue: 777 } });
    const timeline = await f.api(`/deals/crm/${id}/timeline`);
    expect((timeline.json.timeline as Array<Record<string, unknown>>).map((t) => [t.status, t.type, t.advanced])).toEqual([
      ['Committed', 'deal_updated', true],
      ['Qualified', 'deal_created', false],
    ]);
  });

  it('reads each source with its own keys and stages; a status its stages do not list moves only a new deal', async () => {
    const eu = (body: unknown, key = EU_KEY) => post(body, 'deal_updated', key, 'crm-eu');
    expect((await eu(deal('D-eu-1', 'Viewing'), CRM_KEYS[1])).status).toBe(401);
    expectAccepted(await eu(deal('D-eu-1', 'Viewing')));
    expectAccepted(await eu(deal('D-eu-1', 'Lead')));
    expectAccepted(await eu(deal('D-eu-2', 'Lost')));
    expectAccepted(await eu(deal('D-eu-3', 'Offer')));
    expectAccepted(await eu(deal('D-eu-3', 'Lost')));
    // The same deal id under another source is another deal.
    expectAccepted(await post(deal('D-eu-1', 'Qualified')));
    await f.drained();
    expect((await f.api('/deals/crm-eu/D-eu-1')).json).toMatchObject({ source: 'crm-eu', status: 'Viewing', stageRank: 1 });
    expect((await f.api('/deals/crm-eu/D-eu-2')).json).toMatchObject({ status: 'Lost', stageRank: null });
    expect((await f.api('/deals/crm-eu/D-eu-3')).json).toMatchObject({ status: 'Offer', stageRank: 2 });
    expect((await f.api('/deals/crm/D-eu-1')).json).toMatchObject({ source: 'crm', status: 'Qualified' });
    const timeline = await f.api('/deals/crm-eu/D-eu-3/timeline');
    expect((timeline.json.timeline as Array<Record<string, unknown>>).map((t) => [t.status, t.stageRank, t.advanced])).toEqual([
      ['Offer', 2, true],
      ['Lost', null, false],
    ]);
  });

  it('leaves nothing in the topic or the tables for a refused request, and counts each refusal', async () => {
    await f.drained();
    const count = async () => ({
      inTopic: await f.inTopic(),
      rows: (await f.rows()).length,
      deals: (await f.query('SELECT COUNT(*) AS n FROM crm_deals'))[0]?.n,
      history: (await f.query('SELECT COUNT(*) AS n FROM crm_deal_status_history'))[0]?.n,
    });
    const before = await count();
    const body = deal('D-refused-1', 'Qualified');
    const invalid = deal('D-refused-1', 'Qualified') as { data: Record<string, Record<string, unknown>> };
    invalid.data.customer = { ...invalid.data.customer, email: 42 };
    delete invalid.data.dealDetails?.currency;

    expect(await f.post('no-such-source', body, crmHeaders(CRM_KEYS[1]))).toMatchObject({ status: 404, json: { code: 'SOURCE_NOT_FOUND' } });
    expect(await f.post('notifications', body, crmHeaders(CRM_KEYS[1]))).toMatchObject({ status: 404 });
    expect(await f.post('crm', body, crmHeaders('crm-e2e-key-0003-never-issued'))).toMatchObject({ status: 401, json: { code: 'INVALID_CREDENTIALS' } });
    expect(await f.post('crm', body, { 'content-type': 'application/json', 'x-event': 'deal_created' })).toMatchObject({ status: 401 });
    const { 'x-event': _e, ...noEvent } = crmHeaders(CRM_KEYS[1]);
    const missing = await f.post('crm', body, noEvent);
    expect(missing).toMatchObject({
      status: 422,
      json: { code: 'VALIDATION_FAILED', errors: [{ path: '', message: expect.stringContaining('header x-event is required') }] },
    });
    const bad = await f.post('crm', invalid, crmHeaders(CRM_KEYS[1]));
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.errors).toEqual([
      { path: '/data/customer/email', message: 'expected a string, got a number' },
      { path: '/data/dealDetails/currency', message: 'is required' },
    ]);
    expect(await f.post('crm', '{"data": ', crmHeaders(CRM_KEYS[1]))).toMatchObject({ status: 400, json: { code: 'BAD_REQUEST' } });
    expect(await f.post('crm', JSON.stringify(body), { ...crmHeaders(CRM_KEYS[1]), 'content-type': 'text/plain' })).toMatchObject({ status: 415 });

    await f.drained();
    expect(await count()).toEqual(before);
    const metrics = await f.edgeRegistry.metrics();
    expect(metrics).toMatch(/hookstream_edge_webhooks_refused_total\{provider="crm",source="\(unknown\)",reason="SOURCE_NOT_FOUND"[^}]*\} 2$/m);
    expect(metrics).toMatch(/hookstream_edge_webhooks_refused_total\{provider="crm",source="crm",reason="INVALID_CREDENTIALS"[^}]*\} 2$/m);
    expect(metrics).toMatch(/hookstream_edge_webhooks_refused_total\{provider="crm",source="crm",reason="VALIDATION_FAILED"[^}]*\} 2$/m);
    expect(metrics).toMatch(/hookstream_edge_webhooks_refused_total\{provider="crm",source="crm",reason="BAD_REQUEST"[^}]*\} 1$/m);
    expect(metrics).toMatch(/hookstream_edge_webhooks_received_total\{provider="crm",source="crm"[^}]*\} \d+$/m);
  });
});
