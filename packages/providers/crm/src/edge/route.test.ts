import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLedgerEnvelope } from '@hookstream/kafka';
import { createRegistry, type Registry } from '@hookstream/observability';
import type { EdgePart, IngressRequest } from '@hookstream/pipeline';
import type { CrmSource } from '../config/load.js';
import { demoDeal } from '../testing/index.js';
import { TempSources, thrown } from '../test-support.js';
import { crmEdgePart } from './part.js';

const OLD_KEY = 'crm-key-0001-rotating-old';
const NEW_KEY = 'crm-key-0002-rotating-new';
const EU_KEY = 'crm-eu-key-0001-abcdef';
const RECEIVED = Date.UTC(2026, 2, 1, 12);

let tmp: TempSources;
let sources: CrmSource[];
let part: EdgePart;
let registry: Registry;
beforeAll(() => {
  tmp = new TempSources();
  sources = tmp.load(`sources:
  - name: crm
    provider: crm
    auth: { type: api_key, header: x-api-key, keys: ["${OLD_KEY}", "${NEW_KEY}"] }
  - name: crm-eu
    provider: crm
    auth: { type: api_key, header: X-Api-Key, keys: ["${EU_KEY}"] }
`);
  registry = createRegistry('crm-test', false);
  part = crmEdgePart({ sources, topic: 'crm.events', bodyLimitBytes: 65536 }, { registry, now: () => RECEIVED });
});
afterAll(() => tmp.remove());

const route = () => part.routes[0] as NonNullable<EdgePart['routes'][0]>;

function request(source: string, headers: Record<string, string | string[]>, body: unknown = demoDeal()): IngressRequest {
  return {
    method: 'POST',
    url: `/api/v1/webhook/${source}`,
    headers: { 'content-type': 'application/json', 'x-event': 'deal_created', ...headers },
    params: { provider: source },
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    protocol: 'https',
    host: 'hooks.example.com',
    requestId: 'req-1',
    receivedAt: RECEIVED,
  };
}
const accept = async (req: IngressRequest) => route().accept(req);
const refusal = async (req: IngressRequest) => {
  let err: unknown;
  try {
    await accept(req);
  } catch (e) {
    err = e;
  }
  return thrown(() => {
    throw err;
  });
};

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return m?.value ?? 0;
}

describe('POST /api/v1/webhook/:provider', () => {
  it('serves the reference system’s path and creates its topic', () => {
    expect(route().url).toBe('/api/v1/webhook/:provider');
    expect(part.topics).toEqual(['crm.events']);
    expect(part.describe?.('https://hooks.example.com/')).toEqual({
      crm: ['https://hooks.example.com/api/v1/webhook/crm', 'https://hooks.example.com/api/v1/webhook/crm-eu'],
    });
  });

  it('accepts the demo deal with either rotating key: one message keyed by source and deal, envelope v2 with the ledger fields', async () => {
    for (const key of [OLD_KEY, NEW_KEY]) {
      const accepted = await accept(request('crm', { 'x-api-key': key }));
      expect(accepted.topic).toBe('crm.events');
      expect(accepted.messages).toHaveLength(1);
      const [m] = accepted.messages;
      expect(m?.key).toBe('crm:D-927483-XYZ');
      expect(decodeLedgerEnvelope(m?.value ?? null)).toEqual({
        v: 2,
        provider: 'crm',
        source: 'crm',
        receivedAt: RECEIVED,
        requestId: 'req-1',
        auth: 'api_key',
        type: 'deal_created',
        eventId: 'D-927483-XYZ:Qualified',
        idempotencyKey: 'D-927483-XYZ:Qualified',
        occurredAt: RECEIVED,
        tenant: null,
        subject: 'D-927483-XYZ',
        event: demoDeal(),
      });
      expect(accepted.logFields).toEqual({ source: 'crm', auth: 'api_key', event: 'deal_created', dealId: 'D-927483-XYZ', status: 'Qualified' });
    }
  });

  it('checks each source against its own keys', async () => {
    expect((await accept(request('crm-eu', { 'x-api-key': EU_KEY }))).messages[0]?.key).toBe('crm-eu:D-927483-XYZ');
    expect(await refusal(request('crm-eu', { 'x-api-key': NEW_KEY }))).toMatchObject({ httpStatus: 401, code: 'INVALID_CREDENTIALS' });
    expect(await refusal(request('crm', { 'x-api-key': EU_KEY }))).toMatchObject({ httpStatus: 401 });
  });

  it.each([
    ['a wrong key', { 'x-api-key': 'crm-key-0003-never-issued' }, 'invalid api key'],
    ['a key missing its last character', { 'x-api-key': NEW_KEY.slice(0, -1) }, 'invalid api key'],
    ['a key with one more character', { 'x-api-key': `${NEW_KEY}x` }, 'invalid api key'],
    ['no key', {}, 'missing x-api-key header'],
    ['the key twice', { 'x-api-key': [OLD_KEY, NEW_KEY] }, 'multiple x-api-key headers'],
    ['the key as a bearer token', { authorization: `Bearer ${NEW_KEY}` }, 'missing x-api-key header'],
  ])('refuses %s with 401 before reading the body', async (_what, headers, reason) => {
    // The body is not even JSON: credentials are checked first.
    const err = await refusal(request('crm', headers, 'not json'));
    expect(err).toMatchObject({ httpStatus: 401, code: 'INVALID_CREDENTIALS', message: reason });
  });

  it('answers 404 for a name no crm entry declares', async () => {
    expect(await refusal(request('nope', { 'x-api-key': NEW_KEY }))).toMatchObject({
      httpStatus: 404,
      code: 'SOURCE_NOT_FOUND',
      message: 'no crm source named "nope"',
    });
  });

  it('answers 422 for a missing x-event and an invalid body, after authenticating', async () => {
    const missing = await refusal(request('crm', { 'x-api-key': NEW_KEY, 'x-event': [] }));
    expect(missing).toMatchObject({ httpStatus: 422, code: 'VALIDATION_FAILED' });
    const body = demoDeal();
    (body.data as Record<string, unknown>).dealDetails = { status: 'Committed' };
    const invalid = await refusal(request('crm', { 'x-api-key': NEW_KEY }, body));
    expect(invalid.errors?.map((e) => e.path)).toEqual(['/data/dealDetails/dealName', '/data/dealDetails/dealValue', '/data/dealDetails/currency']);
  });

  it('counts webhooks received per source, and refusals per source and reason', async () => {
    const before = {
      received: await metric('hookstream_edge_webhooks_received_total', { provider: 'crm', source: 'crm' }),
      invalid: await metric('hookstream_edge_webhooks_refused_total', { source: 'crm', reason: 'INVALID_CREDENTIALS' }),
      validation: await metric('hookstream_edge_webhooks_refused_total', { source: 'crm', reason: 'VALIDATION_FAILED' }),
      unknown: await metric('hookstream_edge_webhooks_refused_total', { source: '(unknown)', reason: 'SOURCE_NOT_FOUND' }),
    };
    await accept(request('crm', { 'x-api-key': NEW_KEY }));
    await refusal(request('crm', { 'x-api-key': 'wrong-key-0000000000' }));
    await refusal(request('crm', { 'x-api-key': NEW_KEY, 'x-event': '' }));
    await refusal(request('no-such-crm-source', {}));
    expect(await metric('hookstream_edge_webhooks_received_total', { provider: 'crm', source: 'crm' })).toBe(before.received + 3);
    expect(await metric('hookstream_edge_webhooks_refused_total', { source: 'crm', reason: 'INVALID_CREDENTIALS' })).toBe(before.invalid + 1);
    expect(await metric('hookstream_edge_webhooks_refused_total', { source: 'crm', reason: 'VALIDATION_FAILED' })).toBe(before.validation + 1);
    // The unknown name itself is not a label: the URL's text would be unbounded cardinality.
    expect(await metric('hookstream_edge_webhooks_refused_total', { source: '(unknown)', reason: 'SOURCE_NOT_FOUND' })).toBe(before.unknown + 1);
    expect(await registry.metrics()).not.toContain('no-such-crm-source');
  });

  it('shares the counters when another part registers them in the same registry', () => {
    expect(() => crmEdgePart({ sources, topic: 'crm.events', bodyLimitBytes: 1024 }, { registry, now: () => RECEIVED })).not.toThrow();
  });
});
