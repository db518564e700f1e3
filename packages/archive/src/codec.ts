import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { z } from 'zod';
import { archiveCorrupt } from './errors.js';
import type { ArchiveRecord } from './record.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bigger than any body the edge accepts; stops a corrupt or hostile object from inflating without bound. */
const MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/*
 * One record = gzip(JSON envelope), body base64 inside. A JSON envelope rather than a binary
 * frame so that an operator can read any archive with `zcat | jq` and `base64 -d`, with no
 * tool of ours; base64's third more bytes mostly compresses away, and webhook bodies are small.
 * The body's length and SHA-256 are recorded so that a read proves the bytes are the ones stored.
 */
const EnvelopeSchema = z.object({
  v: z.literal(1),
  requestId: z.string(),
  receivedAt: z.number().int(),
  provider: z.string(),
  source: z.string(),
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  bodyBytes: z.number().int().min(0),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
  body: z.base64(),
});

type Envelope = z.infer<typeof EnvelopeSchema>;

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export async function encodeRecord(r: ArchiveRecord): Promise<Buffer> {
  const envelope: Envelope = {
    v: 1,
    requestId: r.requestId,
    receivedAt: r.receivedAt,
    provider: r.provider,
    source: r.source,
    method: r.method,
    url: r.url,
    headers: r.headers,
    bodyBytes: r.body.length,
    bodySha256: sha256(r.body),
    body: r.body.toString('base64'),
  };
  return gzipAsync(Buffer.from(JSON.stringify(envelope), 'utf8'));
}

export async function decodeRecord(bytes: Buffer, where: string): Promise<ArchiveRecord> {
  let json: unknown;
  try {
    json = JSON.parse((await gunzipAsync(bytes, { maxOutputLength: MAX_INFLATED_BYTES })).toString('utf8'));
  } catch (err) {
    throw archiveCorrupt(`archived record ${where} does not decode`, err);
  }
  const parsed = EnvelopeSchema.safeParse(json);
  if (!parsed.success) throw archiveCorrupt(`archived record ${where} is not a v1 envelope: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  const e = parsed.data;
  const body = Buffer.from(e.body, 'base64');
  if (body.length !== e.bodyBytes || sha256(body) !== e.bodySha256) throw archiveCorrupt(`archived record ${where}: body does not match its recorded SHA-256`);
  return { requestId: e.requestId, receivedAt: e.receivedAt, provider: e.provider, source: e.source, method: e.method, url: e.url, headers: e.headers, body };
}
