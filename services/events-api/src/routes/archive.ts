import type { FastifyInstance } from 'fastify';
import type { ArchiveRecord, ArchiveStore } from '@hookstream/archive';
import { AppError } from '@hookstream/core';
import * as s from '../openapi/schemas.js';

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

const ARCHIVED_JSON = s.closed({
  requestId: { type: 'string' },
  provider: { type: 'string' },
  source: { type: 'string' },
  receivedAt: s.iso('When the edge received it.'),
  method: { type: 'string' },
  url: { type: 'string' },
  headers: {
    type: 'object',
    additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    description: 'The non-secret headers as received.',
  },
  body: { type: 'string', contentEncoding: 'base64', description: 'The original body, base64.' },
});

const SCHEMA = {
  summary: 'An archived request: its original bytes, or ?format=json (admin tokens)',
  tags: ['admin'],
  params: s.pathParams({ requestId: { type: 'string', description: 'The request id the edge answered (x-request-id).' } }),
  querystring: s.query({
    format: {
      type: 'string',
      enum: ['raw', 'json'],
      default: 'raw',
      description: 'raw: the bytes under their own content-type; json: the record, body in base64.',
      'x-error': 'must be raw or json',
    },
  }),
  response: {
    200: {
      description: 'The original body under its content-type (raw), or the record (json)',
      content: { 'application/json': { schema: ARCHIVED_JSON }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    },
    503: { ...s.ERROR_SCHEMA, description: 'ARCHIVE_DISABLED: ARCHIVE_BACKEND=off' },
  },
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
  app.get<{ Params: { requestId: string }; Querystring: { format: ArchiveFormat } }>('/archive/:requestId', { schema: SCHEMA }, async (req, reply) => {
    const as = req.query.format;
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
