import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One sources file with a source per auth type, written to a temp dir with the schema files
 * its `$ref`s point at (one of them `$ref`s another, so resolution is transitive and relative
 * to the referencing file). Shared by the end-to-end test and the fuzz, so both exercise the
 * same declarations and credentials.
 */

export const NOTES_KEYS = ['notes-key-0001-rotating-old', 'notes-key-0002-rotating-new'] as const;
export const ORDERS_SECRET = 'orders-hmac-secret-sha256-0001';
export const LEDGER_SECRET = 'ledger-hmac-secret-sha512-0001';
export const SIGNED_KEY = Buffer.from('sources-e2e-standard-webhooks-key-0001');
export const SIGNED_SECRET = `whsec_${SIGNED_KEY.toString('base64')}`;
export const SIGNED_TOLERANCE_SEC = 300;
export const FORMS_USER = 'forms';
export const FORMS_PASSWORD = 'forms-basic-password-0001';
export const DEPLOY_TOKENS = ['deploy-token-0001-abcdef', 'deploy-token-0002-abcdef'] as const;
export const NOTES_MAX_EVENTS = 10;

export const SOURCE_NAMES = ['notes', 'orders', 'ledger', 'signed', 'forms', 'deploys'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

const SOURCES_YAML = `# Written by test/support/sources-fixture.ts: one generic source per auth type.
x-ledger-entry: &ledger-entry
  type: object
  required: [seq, at_ms]
  properties:
    seq: { type: integer, minimum: 0 }
    at_ms: { type: [integer, string] }
    memo: { type: string, maxLength: 100 }

sources:
  # api_key with two keys (rotation); every ledger field read from the body.
  - name: notes
    auth:
      type: api_key
      header: X-Api-Key
      keys: ["${NOTES_KEYS[0]}", "${NOTES_KEYS[1]}"]
    eventType: { path: type }
    idempotencyKey: ["body.event_id"]
    occurredAt: { path: occurred_at }
    tenant: { path: account }
    subject: { path: note.id }
    maxEvents: ${NOTES_MAX_EVENTS}
    types:
      note.created:
        schema:
          type: object
          required: [event_id, type, occurred_at, account, note]
          properties:
            event_id: { type: string, minLength: 1, maxLength: 64 }
            type: { const: note.created }
            account: { type: string }
            note:
              type: object
              required: [id, text]
              properties:
                id: { type: string }
                text: { type: string, maxLength: 200 }
      note.deleted:
        schema: { $ref: "./schemas/note-deleted.json" }

  # hmac sha256 hex behind a prefix; a fixed type, epoch-seconds time, tenant from a header.
  - name: orders
    auth:
      type: hmac
      header: x-signature
      algorithm: sha256
      encoding: hex
      prefix: "sha256="
      secret: "${ORDERS_SECRET}"
    eventType: { value: order.paid }
    idempotencyKey: ["body.id"]
    occurredAt: { path: created }
    tenant: { from: header, name: X-Shop }
    subject: { path: customer }
    types:
      order.paid:
        schema:
          type: object
          required: [id, created, amount]
          properties:
            id: { type: integer, minimum: 1 }
            created: { type: integer }
            amount: { type: number, minimum: 0 }
            customer: { type: string }

  # hmac sha512 base64; type from a header, key from a header and a body field, epoch ms.
  - name: ledger
    auth:
      type: hmac
      header: x-ledger-signature
      algorithm: sha512
      encoding: base64
      secret: "${LEDGER_SECRET}"
    eventType: { from: header, name: x-event-type }
    idempotencyKey: ["header.X-Shard", "body.seq"]
    occurredAt: { path: at_ms }
    types:
      entry.posted: { schema: *ledger-entry }
      entry.voided: { schema: *ledger-entry }

  # Standard Webhooks: no idempotencyKey, so webhook-id is the key.
  - name: signed
    auth:
      type: standard_webhooks
      secret: "${SIGNED_SECRET}"
      toleranceSec: ${SIGNED_TOLERANCE_SEC}
    eventType: { path: type }
    occurredAt: { path: timestamp }
    subject: { path: data.id }
    types:
      invoice.paid:
        schema: &invoice
          type: object
          required: [type, timestamp, data]
          properties:
            type: { type: string }
            timestamp: { type: string, format: date-time }
            data:
              type: object
              required: [id, total]
              properties:
                id: { type: string }
                total: { type: integer }
      invoice.voided:
        schema: *invoice

  # basic: no idempotencyKey (content hash) and no occurredAt (the time received).
  - name: forms
    auth:
      type: basic
      username: ${FORMS_USER}
      password: "${FORMS_PASSWORD}"
    eventType: { path: kind }
    types:
      submission:
        schema:
          type: object
          required: [kind, form, fields]
          properties:
            kind: { type: string }
            form: { type: string, minLength: 1 }
            fields: { type: object }

  # bearer with two tokens; ISO-8601 time with an offset.
  - name: deploys
    auth:
      type: bearer
      tokens: ["${DEPLOY_TOKENS[0]}", "${DEPLOY_TOKENS[1]}"]
    eventType: { value: deploy.finished }
    idempotencyKey: ["body.deploy_id"]
    occurredAt: { path: finished_at }
    tenant: { path: team }
    types:
      deploy.finished:
        schema:
          type: object
          required: [deploy_id, finished_at, team, ok]
          properties:
            deploy_id: { type: string }
            finished_at: { type: string }
            team: { type: string }
            ok: { type: boolean }
`;

const NOTE_DELETED_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'note.deleted',
  type: 'object',
  required: ['event_id', 'type', 'occurred_at', 'account', 'note'],
  properties: {
    event_id: { $ref: './common.json#/$defs/eventId' },
    type: { const: 'note.deleted' },
    account: { type: 'string' },
    note: { type: 'object', required: ['id'], properties: { id: { $ref: './common.json#/$defs/noteId' } } },
  },
};

const COMMON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $defs: {
    eventId: { type: 'string', minLength: 1, maxLength: 64 },
    noteId: { type: 'string', pattern: '^n_[a-z0-9]+$' },
  },
};

export interface SourcesFileOnDisk {
  dir: string;
  path: string;
  remove(): void;
}

/** Writes sources.yaml and schemas/ into a fresh temp dir. */
export function writeSourcesFile(): SourcesFileOnDisk {
  const dir = mkdtempSync(join(tmpdir(), 'hookstream-sources-e2e-'));
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(join(dir, 'schemas', 'note-deleted.json'), JSON.stringify(NOTE_DELETED_SCHEMA, null, 2));
  writeFileSync(join(dir, 'schemas', 'common.json'), JSON.stringify(COMMON_SCHEMA, null, 2));
  const path = join(dir, 'sources.yaml');
  writeFileSync(path, SOURCES_YAML);
  return { dir, path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- credentials, computed independently of the product's verifiers ---------------------

export type Body = string | Buffer;
export type Headers = Record<string, string>;

export const JSON_TYPE: Headers = { 'content-type': 'application/json' };

export const apiKeyHeaders = (key: string): Headers => ({ ...JSON_TYPE, 'x-api-key': key });

export function ordersHeaders(body: Body, opts: { secret?: string; shop?: string; prefix?: string } = {}): Headers {
  const digest = createHmac('sha256', opts.secret ?? ORDERS_SECRET)
    .update(body)
    .digest('hex');
  return { ...JSON_TYPE, 'x-signature': `${opts.prefix ?? 'sha256='}${digest}`, ...(opts.shop !== undefined ? { 'x-shop': opts.shop } : {}) };
}

export function ledgerHeaders(body: Body, opts: { type?: string; shard?: string; secret?: string; algorithm?: string } = {}): Headers {
  const digest = createHmac(opts.algorithm ?? 'sha512', opts.secret ?? LEDGER_SECRET)
    .update(body)
    .digest('base64');
  return { ...JSON_TYPE, 'x-ledger-signature': digest, 'x-event-type': opts.type ?? 'entry.posted', 'x-shard': opts.shard ?? 'shard-a' };
}

/** Standard Webhooks as the specification defines it: base64(HMAC-SHA256(key, id.ts.body)). */
export function signedHeaders(body: Body, opts: { id: string; atMs?: number; key?: Buffer }): Headers {
  const ts = String(Math.floor((opts.atMs ?? Date.now()) / 1000));
  const sig = createHmac('sha256', opts.key ?? SIGNED_KEY)
    .update(`${opts.id}.${ts}.`)
    .update(body)
    .digest('base64');
  return { ...JSON_TYPE, 'webhook-id': opts.id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
}

export const basicHeaders = (user = FORMS_USER, password = FORMS_PASSWORD): Headers => ({
  ...JSON_TYPE,
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export const bearerHeaders = (token: string): Headers => ({ ...JSON_TYPE, authorization: `Bearer ${token}` });

/** Valid credentials of `source` for `body` (the signing sources sign these exact bytes). */
export function validHeaders(source: SourceName, body: Body, nowMs: number = Date.now()): Headers {
  switch (source) {
    case 'notes':
      return apiKeyHeaders(NOTES_KEYS[1]);
    case 'orders':
      return ordersHeaders(body, { shop: 'shop-1' });
    case 'ledger':
      return ledgerHeaders(body);
    case 'signed':
      return signedHeaders(body, { id: `msg_${createHmac('sha256', 'id').update(body).digest('hex').slice(0, 16)}`, atMs: nowMs });
    case 'forms':
      return basicHeaders();
    case 'deploys':
      return bearerHeaders(DEPLOY_TOKENS[0]);
  }
}

// ---- valid events -----------------------------------------------------------------------

/** A valid event of each source; `i` makes its idempotency key (and content) distinct. */
export function validEvent(source: SourceName, i: number): Record<string, unknown> {
  switch (source) {
    case 'notes':
      return {
        event_id: `evt_${i}`,
        type: 'note.created',
        occurred_at: '2026-03-01T10:00:00.250+02:00',
        account: 'acct_1',
        note: { id: `n_${i}`, text: `note ${i}` },
      };
    case 'orders':
      return { id: 1000 + i, created: 1_767_225_600 + i, amount: 12.5, customer: `cus_${i}` };
    case 'ledger':
      return { seq: i, at_ms: 1_767_225_600_123 + i, memo: `entry ${i}` };
    case 'signed':
      return { type: 'invoice.paid', timestamp: '2026-01-01T00:00:00Z', data: { id: `in_${i}`, total: 100 + i } };
    case 'forms':
      return { kind: 'submission', form: 'contact', fields: { email: `a${i}@example.com` } };
    case 'deploys':
      return { deploy_id: `dep_${i}`, finished_at: '2026-02-01T08:30:00-05:00', team: 'platform', ok: true };
  }
}
