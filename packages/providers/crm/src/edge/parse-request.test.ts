import { describe, expect, it } from 'vitest';
import { demoDeal } from '../testing/index.js';
import { thrown } from '../test-support.js';
import { parseDealRequest } from './parse-request.js';

const headers = { 'x-event': 'deal_created' };
const parse = (body: unknown, h: Record<string, string | string[]> = headers) =>
  parseDealRequest(Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), h);
const refusal = (body: unknown, h: Record<string, string | string[]> = headers) => {
  const err = thrown(() => parse(body, h));
  return { status: err.httpStatus, code: err.code, message: err.message, errors: err.errors };
};

/** The demo deal with `patch` applied at a dotted path (undefined removes the field). */
function withField(path: string, value: unknown): Record<string, unknown> {
  const body = demoDeal();
  const keys = path.split('.');
  let at = body as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return body;
}

describe('parseDealRequest', () => {
  it('accepts the reference system’s demo deal and keeps the body as received', () => {
    const body = { ...demoDeal(), extra: { addedBy: 'the CRM' } };
    const r = parse(body);
    expect(r.type).toBe('deal_created');
    expect(r.body).toEqual(body);
    expect(r.deal.dealId).toBe('D-927483-XYZ');
    expect(r.deal.dealDetails).toMatchObject({ status: 'Qualified', dealValue: 12500000, currency: 'USD' });
  });

  it('accepts a deal without the optional message, phone number and closing date', () => {
    const body = withField('data.customer.phoneNumber', null);
    delete body.message;
    expect(parse(withField('data.dealDetails.closingDate', undefined)).deal.dealDetails.closingDate).toBeUndefined();
    expect(parse(body).deal.customer.phoneNumber).toBeNull();
  });

  it.each([
    ['data.dealId', undefined, '/data/dealId', 'is required'],
    ['data.dealId', 927483, '/data/dealId', 'expected a string, got a number'],
    ['data.dealId', ' D-1', '/data/dealId', 'must be 1-128 characters without control characters or leading/trailing spaces'],
    ['data.dealId', 'x'.repeat(129), '/data/dealId', 'must be 1-128 characters'],
    ['data.customer', 'John Doe', '/data/customer', 'expected an object, got a string'],
    ['data.customer.email', 42, '/data/customer/email', 'expected a string, got a number'],
    ['data.customer.contactId', '', '/data/customer/contactId', 'must not be empty'],
    ['data.dealDetails.status', 'Won:big', '/data/dealDetails/status', 'must be 1-64 characters without ":"'],
    ['data.dealDetails.status', undefined, '/data/dealDetails/status', 'is required'],
    ['data.dealDetails.dealValue', '12500000', '/data/dealDetails/dealValue', 'expected a number, got a string'],
    ['data.dealDetails.dealValue', -1, '/data/dealDetails/dealValue', 'must not be negative'],
    ['data.dealDetails.currency', 'dollars', '/data/dealDetails/currency', 'must be an ISO 4217 currency code such as USD'],
    ['data.dealDetails.closingDate', '2026-02-30', '/data/dealDetails/closingDate', 'must be a date like 2026-03-15'],
    ['data.propertyInformation.squareFootage', null, '/data/propertyInformation/squareFootage', 'expected a number, got null'],
    ['data', [], '/data', 'expected an object, got an array'],
    ['status', undefined, '/status', 'is required'],
  ])('refuses %s = %j with 422 and the JSON pointer %s', (path, value, pointer, message) => {
    const r = refusal(withField(path, value));
    expect(r).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(r.errors).toContainEqual({ path: pointer, message: expect.stringContaining(message) });
    expect(r.message).toBe(`deal webhook refused: ${pointer}: ${r.errors?.[0]?.message}`);
  });

  it('reports every problem, header and body, in one refusal', () => {
    const body = withField('data.customer.email', 7);
    (body.data as Record<string, unknown>).dealId = undefined;
    const r = refusal(JSON.stringify(body), {});
    expect(r.errors).toEqual([
      { path: '', message: 'header x-event is required (the event type, e.g. deal_created or deal_updated)' },
      { path: '/data/dealId', message: 'is required' },
      { path: '/data/customer/email', message: 'expected a string, got a number' },
    ]);
    expect(r.message).toBe('deal webhook refused: header x-event is required (the event type, e.g. deal_created or deal_updated) (and 2 more)');
  });

  it.each([
    [{}, 'is required'],
    [{ 'x-event': ['deal_created', 'deal_updated'] }, 'must be given once'],
    [{ 'x-event': 'deal created' }, 'must be 1-64 letters'],
    [{ 'x-event': 'd'.repeat(65) }, 'must be 1-64 letters'],
  ])('refuses x-event %j with 422', (h, message) => {
    const r = refusal(demoDeal(), h);
    expect(r.status).toBe(422);
    expect(r.errors).toEqual([{ path: '', message: expect.stringContaining(`header x-event ${message}`) }]);
  });

  it('accepts x-event in any header casing', () => {
    expect(parse(demoDeal(), { 'X-Event': 'deal.updated' }).type).toBe('deal.updated');
  });

  it('refuses a body that is no JSON object: 400 without a pointer, 422 for other JSON', () => {
    expect(refusal('')).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: 'body is empty: expected a JSON object' });
    expect(refusal(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toMatchObject({ status: 400, message: 'body is not valid UTF-8' });
    expect(refusal('[1, 2')).toMatchObject({ status: 400, message: 'body is not valid JSON' });
    expect(refusal('[]')).toMatchObject({ status: 422, errors: [{ path: '', message: 'expected a JSON object, got an array' }] });
    expect(refusal('"deal"')).toMatchObject({ status: 422, errors: [{ path: '', message: 'expected a JSON object, got a string' }] });
  });

  it('refuses what the database could not store, with its pointer', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = { deep };
    expect(refusal({ ...demoDeal(), deep }).errors?.[0]).toMatchObject({
      path: expect.stringMatching(/^\/deep(\/deep)+$/),
      message: 'nested deeper than 20 levels',
    });
    expect(refusal(withField('data.customer.firstName', '\ud800')).errors).toEqual([
      { path: '/data/customer/firstName', message: 'contains an unpaired UTF-16 surrogate' },
    ]);
  });

  it('never quotes a customer’s data in a refusal, not even from broken JSON', () => {
    const pii = ['Jane', 'Roe', 'jane.roe@example.com', '+15550100'];
    const bad = [
      withField('data.customer', { contactId: 'C-1', firstName: 'Jane', lastName: 'Roe', email: 'jane.roe@example.com', phoneNumber: 15550100 }),
      withField('data.customer.email', ['jane.roe@example.com']),
      withField('data.dealDetails.currency', 'Jane Roe'),
    ];
    const texts = bad.map((b) => JSON.stringify(refusal(b)));
    texts.push(JSON.stringify(refusal('{"data": {"customer": {"email": "jane.roe@example.com", "firstName": Jane Roe}}}')));
    for (const text of texts) for (const value of pii) expect(text).not.toContain(value);
  });
});
