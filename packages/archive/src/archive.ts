import { z } from 'zod';
import type { BlobStore } from './blob.js';
import { decodeRecord, encodeRecord } from './codec.js';
import { archiveClosed, archiveCorrupt } from './errors.js';
import { ALWAYS_SECRET_HEADERS, safeHeaders } from './headers.js';
import { assertValidRecord, dataKey, indexKey, isRequestId, isSegment, parseDataKey, RAW_ROOT } from './keys.js';
import type { ArchiveRecord, ArchiveStore } from './record.js';

const PointerSchema = z.object({ v: z.literal(1), key: z.string().startsWith(RAW_ROOT) });

/** Record deletions per backend call: two keys each, within DeleteObjects' 1,000-key limit. */
const DELETE_BATCH = 500;

/** The archive's logic over any BlobStore; both backends are this plus their BlobStore. */
export function archiveOver(blob: BlobStore): ArchiveStore {
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw archiveClosed();
  };

  return {
    async put(input) {
      ensureOpen();
      assertValidRecord(input);
      // Defence in depth: a caller that forgot safeHeaders still never archives a credential.
      const record: ArchiveRecord = { ...input, headers: safeHeaders(input.headers, ALWAYS_SECRET_HEADERS) };
      const key = dataKey(record);
      // Record and pointer at once (each durable on its own: fsync, or S3's acknowledgement),
      // which halves the time the sender waits. A crash in between leaves one without the
      // other, and neither is ever acknowledged (put never resolved): an unreferenced record
      // is never returned and retention deletes it; a pointer to a missing record reads as
      // unknown (get answers null), the same as a record retention already removed.
      const bytes = await encodeRecord(record);
      await Promise.all([
        blob.put(key, bytes, 'application/gzip'),
        blob.put(indexKey(record.requestId), Buffer.from(JSON.stringify({ v: 1, key }), 'utf8'), 'application/json'),
      ]);
    },

    async get(requestId) {
      ensureOpen();
      // An id that could not have been stored is simply unknown; it never reaches a path.
      if (!isRequestId(requestId)) return null;
      const pointerBytes = await blob.get(indexKey(requestId));
      if (!pointerBytes) return null;
      const key = parsePointer(pointerBytes, requestId);
      const bytes = await blob.get(key);
      // Retention deleted the record before its pointer (same batch, but not atomic): gone.
      if (!bytes) return null;
      const record = await decodeRecord(bytes, key);
      if (record.requestId !== requestId) throw archiveCorrupt(`index entry for ${requestId} points at ${key}, which holds ${record.requestId}`);
      return record;
    },

    async deleteOlderThan(cutoffMs) {
      ensureOpen();
      if (!Number.isFinite(cutoffMs)) throw new RangeError('cutoffMs must be a finite epoch ms');
      let deleted = 0;
      for (const provider of (await blob.listFolders(RAW_ROOT)).filter(isSegment)) {
        for (const source of (await blob.listFolders(`${RAW_ROOT}${provider}/`)).filter(isSegment)) {
          deleted += await deleteSourceOlderThan(blob, `${RAW_ROOT}${provider}/${source}/`, cutoffMs);
        }
      }
      return deleted;
    },

    async close() {
      if (closed) return;
      closed = true;
      await blob.close();
    },
  };
}

/** Keys of one source come oldest first, so the walk stops at the first record to keep. */
async function deleteSourceOlderThan(blob: BlobStore, prefix: string, cutoffMs: number): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await blob.delete(batch);
    deleted += batch.length / 2;
    batch = [];
  };
  for await (const key of blob.listKeys(prefix)) {
    const parsed = parseDataKey(key);
    if (!parsed) continue;
    if (parsed.receivedAt >= cutoffMs) break;
    batch.push(key, indexKey(parsed.requestId));
    if (batch.length >= DELETE_BATCH * 2) await flush();
  }
  await flush();
  return deleted;
}

function parsePointer(bytes: Buffer, requestId: string): string {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw archiveCorrupt(`index entry for ${requestId} is not JSON`, err);
  }
  const parsed = PointerSchema.safeParse(json);
  if (!parsed.success) throw archiveCorrupt(`index entry for ${requestId} is not a v1 pointer`);
  return parsed.data.key;
}
