import type { DataSource } from '@hookstream/store';
import { classifyError, inTransaction, num } from '@hookstream/store';
import type { Endpoint, EndpointInput, EndpointOrigin, EndpointPatch } from '../model/endpoint.js';
import { generateSecret } from '../sign.js';
import { ENDPOINT_COLUMNS, endpointFromRow } from './rows.js';

/** An endpoint with the secrets that sign its deliveries now (the newest first). */
export interface SigningEndpoint {
  endpoint: Endpoint;
  secrets: string[];
}

export interface CreateOptions {
  id: string;
  secret: string;
  origin: EndpointOrigin;
  now: number;
  /** Default `webhook`. */
  kind?: string;
  destination?: Record<string, unknown> | null;
  retrySchedule?: readonly number[] | null;
}

/** An endpoint a file or a provider's rules declare, with what the API cannot set. */
export interface DeclaredEndpointRow {
  id: string;
  /** Unset: a new endpoint gets a generated one and an existing one keeps its own (destinations that do not sign). */
  secret?: string;
  input: EndpointInput;
  kind?: string;
  destination?: Record<string, unknown> | null;
  retrySchedule?: readonly number[] | null;
}

export interface EndpointStore {
  create(input: EndpointInput, opts: CreateOptions): Promise<Endpoint>;
  get(id: string): Promise<Endpoint | null>;
  /** By id, after `afterId`: a stable page order. */
  list(q: { limit: number; afterId?: string }): Promise<Endpoint[]>;
  /** Every endpoint not deleted, with its live secrets: what the dispatcher routes by. */
  listSigning(now: number): Promise<SigningEndpoint[]>;
  update(id: string, patch: EndpointPatch, now: number): Promise<Endpoint | null>;
  /** Soft delete: the delivery log stays readable by event. */
  remove(id: string, now: number): Promise<boolean>;
  /** Adds a new current secret; the others keep signing until now + overlapMs. */
  rotateSecret(id: string, secret: string, overlapMs: number, now: number): Promise<boolean>;
  disable(id: string, reason: string, now: number): Promise<void>;
  /** Notes a failure; answers since when the endpoint has been failing. */
  markFailing(id: string, now: number): Promise<number>;
  markHealthy(id: string): Promise<void>;
  /** Deletes the endpoints of this origin whose id has one of the prefixes and is not in `keep` (a rule that was removed). Answers the ids deleted. */
  prune(origin: Exclude<EndpointOrigin, 'api'>, prefixes: readonly string[], keep: readonly string[], now: number): Promise<string[]>;
  /** Makes declared endpoints exist as declared (origin 'config' by default, or 'rules'); answers the ids created. */
  syncConfigured(entries: readonly DeclaredEndpointRow[], now: number, origin?: Exclude<EndpointOrigin, 'api'>): Promise<string[]>;
}

const TX = { lockWaitTimeoutSec: 5 };

export function createEndpointStore(ds: DataSource): EndpointStore {
  const q = async (what: string, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> => {
    try {
      return (await ds.query(sql, params)) as Array<Record<string, unknown>>;
    } catch (err) {
      throw classifyError(err, what);
    }
  };
  const get = async (id: string): Promise<Endpoint | null> => {
    const [row] = await q('read endpoint', `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE id = ? AND deleted_at IS NULL`, [id]);
    return row ? endpointFromRow(row) : null;
  };
  const insert = async (input: EndpointInput, opts: CreateOptions): Promise<void> => {
    await inTransaction(ds, 'create endpoint', TX, async (qr) => {
      // Events already in the ledger are not this endpoint's: it receives what is stored from now on.
      const [last] = (await qr.query('SELECT COALESCE(MAX(id), 0) AS id FROM events')) as Array<{ id: unknown }>;
      await qr.query(`INSERT INTO endpoints (${ENDPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)`, [
        opts.id,
        opts.kind ?? 'webhook',
        input.url,
        input.description,
        JSON.stringify(input.filter),
        opts.destination ? JSON.stringify(opts.destination) : null,
        opts.retrySchedule ? opts.retrySchedule.join(',') : null,
        input.rateLimitPerSecond,
        input.maxInFlight,
        input.ordered ? 1 : 0,
        input.enabled ? 1 : 0,
        opts.origin,
        num(last?.id ?? 0),
        opts.now,
        opts.now,
      ]);
      await qr.query('INSERT INTO endpoint_secrets (endpoint_id, secret_no, secret, created_at, expires_at) VALUES (?, 1, ?, ?, NULL)', [
        opts.id,
        opts.secret,
        opts.now,
      ]);
    });
  };
  return {
    async create(input, opts) {
      await insert(input, opts);
      const created = await get(opts.id);
      if (!created) throw new Error(`endpoint ${opts.id} vanished after creation`);
      return created;
    },
    get,
    async list({ limit, afterId }) {
      const rows = await q('list endpoints', `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?`, [
        afterId ?? '',
        limit,
      ]);
      return rows.map(endpointFromRow);
    },
    async listSigning(now) {
      const rows = await q('list endpoints', `SELECT ${ENDPOINT_COLUMNS} FROM endpoints WHERE deleted_at IS NULL ORDER BY id`);
      const secrets = await q(
        'read endpoint secrets',
        `SELECT s.endpoint_id, s.secret FROM endpoint_secrets s JOIN endpoints e ON e.id = s.endpoint_id
         WHERE e.deleted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > ?) ORDER BY s.endpoint_id, s.secret_no DESC`,
        [now],
      );
      const byEndpoint = new Map<string, string[]>();
      for (const s of secrets) {
        const id = String(s.endpoint_id);
        byEndpoint.set(id, [...(byEndpoint.get(id) ?? []), String(s.secret)]);
      }
      return rows.map((r) => {
        const endpoint = endpointFromRow(r);
        return { endpoint, secrets: byEndpoint.get(endpoint.id) ?? [] };
      });
    },
    async update(id, patch, now) {
      const sets: string[] = [];
      const params: unknown[] = [];
      const set = (col: string, v: unknown): void => {
        sets.push(`${col} = ?`);
        params.push(v);
      };
      if (patch.url !== undefined) set('url', patch.url);
      if (patch.description !== undefined) set('description', patch.description);
      if (patch.filter !== undefined) set('filter', JSON.stringify(patch.filter));
      if (patch.rateLimitPerSecond !== undefined) set('rate_limit_per_second', patch.rateLimitPerSecond);
      if (patch.maxInFlight !== undefined) set('max_in_flight', patch.maxInFlight);
      if (patch.ordered !== undefined) set('ordered', patch.ordered ? 1 : 0);
      if (patch.enabled !== undefined) {
        set('enabled', patch.enabled ? 1 : 0);
        // Re-enabling starts a fresh failure clock; the reason of the last disabling goes with it.
        if (patch.enabled) sets.push('disabled_reason = NULL', 'disabled_at = NULL', 'failing_since = NULL');
        else set('disabled_at', now);
      }
      set('updated_at', now);
      await q('update endpoint', `UPDATE endpoints SET ${sets.join(', ')} WHERE id = ? AND deleted_at IS NULL`, [...params, id]);
      return get(id);
    },
    async remove(id, now) {
      const res = (await ds.query('UPDATE endpoints SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ? AND deleted_at IS NULL', [now, now, id])) as {
        affectedRows?: number;
      };
      return (res.affectedRows ?? 0) > 0;
    },
    async rotateSecret(id, secret, overlapMs, now) {
      return inTransaction(ds, 'rotate endpoint secret', TX, async (qr) => {
        const [ep] = (await qr.query('SELECT id FROM endpoints WHERE id = ? AND deleted_at IS NULL FOR UPDATE', [id])) as unknown[];
        if (!ep) return false;
        await qr.query('DELETE FROM endpoint_secrets WHERE endpoint_id = ? AND expires_at IS NOT NULL AND expires_at <= ?', [id, now]);
        await qr.query('UPDATE endpoint_secrets SET expires_at = ? WHERE endpoint_id = ? AND expires_at IS NULL', [now + overlapMs, id]);
        const [max] = (await qr.query('SELECT COALESCE(MAX(secret_no), 0) AS n FROM endpoint_secrets WHERE endpoint_id = ?', [id])) as Array<{ n: unknown }>;
        await qr.query('INSERT INTO endpoint_secrets (endpoint_id, secret_no, secret, created_at, expires_at) VALUES (?, ?, ?, ?, NULL)', [
          id,
          num(max?.n ?? 0) + 1,
          secret,
          now,
        ]);
        await qr.query('UPDATE endpoints SET updated_at = ? WHERE id = ?', [now, id]);
        return true;
      });
    },
    async disable(id, reason, now) {
      await q('disable endpoint', 'UPDATE endpoints SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ? AND enabled = 1', [
        reason.slice(0, 500),
        now,
        now,
        id,
      ]);
    },
    async markFailing(id, now) {
      await q('mark endpoint failing', 'UPDATE endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL', [now, id]);
      const [row] = await q('read endpoint', 'SELECT failing_since FROM endpoints WHERE id = ?', [id]);
      return num(row?.failing_since ?? now);
    },
    async markHealthy(id) {
      await q('mark endpoint healthy', 'UPDATE endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL', [id]);
    },
    async prune(origin, prefixes, keep, now) {
      const rows = await q('list declared endpoints', 'SELECT id FROM endpoints WHERE origin = ? AND deleted_at IS NULL', [origin]);
      const gone = rows.map((r) => String(r.id)).filter((id) => prefixes.some((p) => id.startsWith(p)) && !keep.includes(id));
      for (const id of gone) await q('delete endpoint', 'UPDATE endpoints SET deleted_at = ?, enabled = 0, updated_at = ? WHERE id = ?', [now, now, id]);
      return gone;
    },
    async syncConfigured(entries, now, origin = 'config') {
      const created: string[] = [];
      for (const { id, secret, input, kind = 'webhook', destination = null, retrySchedule = null } of entries) {
        const [row] = await q('read endpoint', 'SELECT deleted_at FROM endpoints WHERE id = ?', [id]);
        if (!row) {
          await insert(input, { id, secret: secret ?? generateSecret(), origin, now, kind, destination, retrySchedule });
          created.push(id);
          continue;
        }
        // The file owns the definition; enabled is left alone, so an endpoint the dispatcher
        // disabled (410, failing for days) stays disabled across restarts until someone re-enables it.
        await q(
          'update configured endpoint',
          `UPDATE endpoints SET kind = ?, url = ?, description = ?, filter = ?, destination = ?, retry_schedule = ?, rate_limit_per_second = ?,
             max_in_flight = ?, ordered = ?, origin = ?, deleted_at = NULL, updated_at = ? WHERE id = ?`,
          [
            kind,
            input.url,
            input.description,
            JSON.stringify(input.filter),
            destination ? JSON.stringify(destination) : null,
            retrySchedule ? retrySchedule.join(',') : null,
            input.rateLimitPerSecond,
            input.maxInFlight,
            input.ordered ? 1 : 0,
            origin,
            now,
            id,
          ],
        );
        const [current] = await q('read endpoint secrets', 'SELECT secret FROM endpoint_secrets WHERE endpoint_id = ? AND expires_at IS NULL', [id]);
        if (secret !== undefined && current?.secret !== secret) {
          await q('replace configured secret', 'DELETE FROM endpoint_secrets WHERE endpoint_id = ?', [id]);
          await q(
            'replace configured secret',
            'INSERT INTO endpoint_secrets (endpoint_id, secret_no, secret, created_at, expires_at) VALUES (?, 1, ?, ?, NULL)',
            [id, secret, now],
          );
        }
      }
      return created;
    },
  };
}
