import { describe, expect, it } from 'vitest';
import { dataKey, indexKey, parseDataKey, partitionOf } from './keys.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);

describe('key layout', () => {
  it('partitions by provider, source and UTC hour', () => {
    expect(partitionOf('hubspot', 'hubspot', at)).toBe('raw/hubspot/hubspot/2026/01/02/03/');
    expect(dataKey({ provider: 'sources', source: 'orders', receivedAt: at, requestId: 'req-1' })).toBe(`raw/sources/orders/2026/01/02/03/${at}-req-1.json.gz`);
  });

  it('zero-pads receivedAt so byte order is time order within a source', () => {
    const early = dataKey({ provider: 'p', source: 's', receivedAt: 5, requestId: 'z' });
    const late = dataKey({ provider: 'p', source: 's', receivedAt: at, requestId: 'a' });
    expect(early).toBe('raw/p/s/1970/01/01/00/0000000000005-z.json.gz');
    expect(early < late).toBe(true);
  });

  it('parses its own keys back and nothing else', () => {
    const key = dataKey({ provider: 'p', source: 's', receivedAt: at, requestId: 'b6f1c2a4-9d7e-4c1b-8e2f-0a1b2c3d4e5f' });
    expect(parseDataKey(key)).toEqual({ receivedAt: at, requestId: 'b6f1c2a4-9d7e-4c1b-8e2f-0a1b2c3d4e5f' });
    expect(parseDataKey('raw/p/s/2026/01/02/03/.x.json.gz.tmp-1-ab')).toBeNull();
    expect(parseDataKey('raw/p/s/README.txt')).toBeNull();
    expect(parseDataKey('ids/ab/x.json')).toBeNull();
  });

  it('shards the index by a hash of the request id', () => {
    expect(indexKey('req-1')).toMatch(/^ids\/[0-9a-f]{2}\/req-1\.json$/);
    expect(indexKey('req-1')).toBe(indexKey('req-1'));
  });
});
