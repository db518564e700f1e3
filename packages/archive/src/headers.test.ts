import { describe, expect, it } from 'vitest';
import { safeHeaders } from './headers.js';

describe('safeHeaders', () => {
  it('drops authorization, cookie and x-api-key always, and the named secret headers without regard to case', () => {
    const out = safeHeaders(
      {
        Authorization: 'Bearer t',
        cookie: 'sid=1',
        'X-API-Key': 'k',
        'proxy-authorization': 'Basic x',
        'X-Source-Token': 'shh',
        'x-hubspot-signature-v3': 'sig',
        'Content-Type': 'application/json',
        'x-forwarded-for': ['1.1.1.1', '2.2.2.2'],
        'x-empty': undefined,
      },
      ['x-source-TOKEN'],
    );
    expect(out).toEqual({ 'content-type': 'application/json', 'x-hubspot-signature-v3': 'sig', 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] });
  });

  it('copies array values rather than sharing them with the request', () => {
    const forwarded = ['a'];
    const out = safeHeaders({ 'x-forwarded-for': forwarded });
    forwarded.push('b');
    expect(out['x-forwarded-for']).toEqual(['a']);
  });
});
