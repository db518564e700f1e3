import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeRecord } from './codec.js';
import type { ArchiveRecord } from './record.js';

const rec = (body: Buffer): ArchiveRecord => ({
  requestId: 'r1',
  receivedAt: 1_700_000_000_000,
  provider: 'sources',
  source: 'orders',
  method: 'POST',
  url: '/webhooks/sources/orders',
  headers: { 'content-type': 'application/octet-stream' },
  body,
});

describe('record codec', () => {
  it('is gzip of a JSON envelope an operator can read with zcat and jq', async () => {
    const body = Buffer.from('{"hello":"world"}');
    const envelope = JSON.parse(gunzipSync(await encodeRecord(rec(body))).toString('utf8'));
    expect(envelope).toMatchObject({ v: 1, requestId: 'r1', bodyBytes: body.length, body: body.toString('base64') });
    expect(envelope.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips any bytes, including none', async () => {
    for (const body of [Buffer.alloc(0), randomBytes(3), randomBytes(70_000)]) {
      const back = await decodeRecord(await encodeRecord(rec(body)), 'k');
      expect(back.body.equals(body)).toBe(true);
    }
  });

  it('refuses bytes that are not gzip, not an envelope, or whose body does not match its digest', async () => {
    await expect(decodeRecord(Buffer.from('plain'), 'k')).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    await expect(decodeRecord(gzipSync('{"v":2}'), 'k')).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    const envelope = JSON.parse(gunzipSync(await encodeRecord(rec(Buffer.from('abc')))).toString('utf8'));
    const tampered = gzipSync(JSON.stringify({ ...envelope, body: Buffer.from('abd').toString('base64') }));
    await expect(decodeRecord(tampered, 'k')).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
  });
});
