import type { CrmObject } from './types.js';

/** The parts of HubSpot's error body we act on or report. */
export interface HubSpotErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  correlationId?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseErrorBody(json: unknown): HubSpotErrorBody {
  if (!isRecord(json)) return {};
  const out: HubSpotErrorBody = {};
  const message = str(json.message);
  const category = str(json.category) ?? str(json.errorType);
  const policyName = str(json.policyName);
  const correlationId = str(json.correlationId);
  if (message !== undefined) out.message = message;
  if (category !== undefined) out.category = category;
  if (policyName !== undefined) out.policyName = policyName;
  if (correlationId !== undefined) out.correlationId = correlationId;
  return out;
}

/** One line for logs and error messages; HubSpot's texts never contain our token. */
export function describeError(status: number, body: HubSpotErrorBody): string {
  const parts = [`HubSpot answered ${status}`];
  if (body.category) parts.push(body.category);
  if (body.message) parts.push(`"${body.message.slice(0, 300)}"`);
  if (body.correlationId) parts.push(`correlationId ${body.correlationId}`);
  return parts.join(' ');
}

export interface ParsedBatch {
  found: Map<string, CrmObject>;
  notFound: Set<string>;
  /** 207 errors other than OBJECT_NOT_FOUND; their ids are counted as not found. */
  otherErrors: Array<{ category: string; message: string }>;
}

function toCrmObject(raw: unknown): CrmObject | undefined {
  if (!isRecord(raw)) return undefined;
  const id = typeof raw.id === 'number' ? String(raw.id) : str(raw.id);
  if (id === undefined) return undefined;
  const properties: Record<string, string | null> = {};
  if (isRecord(raw.properties)) {
    for (const [k, v] of Object.entries(raw.properties)) {
      if (typeof v === 'string' || v === null) properties[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') properties[k] = String(v);
    }
  }
  const obj: CrmObject = { id, properties };
  const createdAt = str(raw.createdAt);
  const updatedAt = str(raw.updatedAt);
  const archivedAt = str(raw.archivedAt);
  if (createdAt !== undefined) obj.createdAt = createdAt;
  if (updatedAt !== undefined) obj.updatedAt = updatedAt;
  if (typeof raw.archived === 'boolean') obj.archived = raw.archived;
  if (archivedAt !== undefined) obj.archivedAt = archivedAt;
  return obj;
}

/**
 * Reads a 200/207 batch-read body. Any requested id that is neither in `results` nor named by
 * an error is reported as not found too: HubSpot's all-missing answer is undocumented, and an
 * id we cannot account for must not be silently treated as present.
 * Returns undefined when the body is not a batch response at all.
 */
export function parseBatchBody(json: unknown, requested: readonly string[]): ParsedBatch | undefined {
  if (!isRecord(json) || !Array.isArray(json.results)) return undefined;
  const found = new Map<string, CrmObject>();
  for (const raw of json.results) {
    const obj = toCrmObject(raw);
    if (obj !== undefined) found.set(obj.id, obj);
  }
  const notFound = new Set<string>();
  const otherErrors: ParsedBatch['otherErrors'] = [];
  if (Array.isArray(json.errors)) {
    for (const err of json.errors) {
      if (!isRecord(err)) continue;
      const category = str(err.category) ?? 'UNKNOWN';
      if (category !== 'OBJECT_NOT_FOUND') otherErrors.push({ category, message: str(err.message) ?? '' });
      const ids = isRecord(err.context) && Array.isArray(err.context.ids) ? err.context.ids : [];
      for (const id of ids) if (typeof id === 'string' && !found.has(id)) notFound.add(id);
    }
  }
  for (const id of requested) if (!found.has(id)) notFound.add(id);
  return { found, notFound, otherErrors };
}

/** Retry-After is seconds or an HTTP date. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function parseIntHeader(value: string | null): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
