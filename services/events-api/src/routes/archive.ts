import type { FastifyInstance } from 'fastify';
import type { ArchiveRecord, ArchiveStore } from '@hookstream/archive';
import { AppError } from '@hookstream/core';
import { badRequest, readParams } from '@hookstream/pipeline';

/** `?format=json`: the record with its body in base64, instead of the original bytes. */
export interface ArchivedRequestJson {
  requestId: string;
  provider: string;
  source: string;
  /** ISO 8601, UTC. */
  receivedAt: string;
  method: string;
  url: string;
  /** The non-secret headers as received (credentials were never archived). */
  headers: ArchiveRecord['headers'];
  /** The original body, base64. */
  body: string;
}

type ArchiveFormat = 'raw' | 'json';

/** Request ids the edge gives (UUIDs) and the archive can hold; anything else is not echoed in a message. */
const PRINTABLE_ID = /^[A-Za-z0-9._-]{1,128}$/;

const format = (name: string, raw: string): ArchiveFormat => {
  if (raw !== 'raw' && raw !== 'json') throw badRequest(name, 'must be raw or json');
  return raw;
};

function archiveDisabled(): AppError {
  return new AppError(
    'ARCHIVE_DISABLED',
    503,
    'the raw archive is off (ARCHIVE_BACKEND=off): set ARCHIVE_BACKEND to local or s3 to archive and read requests',
    {
      retryable: false,
    },
  );
}

function notArchived(requestId: string): AppError {
  return new AppError(
    'NOT_FOUND',
    404,
    `no archived request ${PRINTABLE_ID.test(requestId) ? requestId : 'with that id'} (never archived, or deleted by retention)`,
  );
}

/**
 * `GET /archive/:requestId`, registered in the admin scope (ADMIN_API_TOKENS only): the
 * original bytes of an accepted request, with its original content-type, or `?format=json`.
 * `archive` is undefined when ARCHIVE_BACKEND=off.
 */
export function archiveRoutes(app: FastifyInstance, archive: ArchiveStore | undefined): void {
  app.get<{ Params: { requestId: string } }>('/archive/:requestId', async (req, reply) => {
    const { format: as = 'raw' } = readParams(req.query, { format });
    if (!archive) throw archiveDisabled();
    const record = await archive.get(req.params.requestId);
    if (!record) throw notArchived(req.params.requestId);
    // An audit line of who-read-what without the content: ids only, never headers or body.
    req.log.info({ requestId: record.requestId, provider: record.provider, source: record.source, format: as }, 'archived request read');
    if (as === 'json') return archivedJson(record);
    return reply
      .headers({
        'x-hookstream-request-id': record.requestId,
        'x-hookstream-provider': record.provider,
        'x-hookstream-source': record.source,
        'x-hookstream-received-at': new Date(record.receivedAt).toISOString(),
        // A sender's bytes under its own content-type: never sniffed, run or cached by a browser.
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        'cache-control': 'no-store',
      })
      .type(contentTypeOf(record))
      .send(record.body);
  });
}

function archivedJson(r: ArchiveRecord): ArchivedRequestJson {
  return {
    requestId: r.requestId,
    provider: r.provider,
    source: r.source,
    receivedAt: new Date(r.receivedAt).toISOString(),
    method: r.method,
    url: r.url,
    headers: r.headers,
    body: r.body.toString('base64'),
  };
}

function contentTypeOf(r: ArchiveRecord): string {
  const value = r.headers['content-type'];
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.trim() !== '' ? first : 'application/octet-stream';
}
