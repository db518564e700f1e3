/** Header values as Node gives them: repeated headers (set-cookie, say) stay an array. */
export type ArchiveHeaders = Record<string, string | string[]>;

/** One accepted webhook request, as it came in: the audit copy of what the sender sent. */
export interface ArchiveRecord {
  /** The edge's request id (the ledger's `requestId`); unique per request. */
  requestId: string;
  /** Epoch ms the edge received the request; the record's date partition (UTC) comes from it. */
  receivedAt: number;
  provider: string;
  source: string;
  method: string;
  /** Path and query as received (what signatures v2/v3 cover). */
  url: string;
  /** Non-secret headers only: pass them through `safeHeaders` first. */
  headers: ArchiveHeaders;
  /** The raw body, byte for byte. */
  body: Buffer;
}

export interface ArchiveStore {
  /** Resolves once the record is durable (fsynced locally, acknowledged by S3); rejects with AppError otherwise. */
  put(record: ArchiveRecord): Promise<void>;
  /** The record with the original bytes, or null when no record has this id (or it was deleted by retention). */
  get(requestId: string): Promise<ArchiveRecord | null>;
  /** Deletes every record received strictly before `cutoffMs`; returns how many records it deleted. */
  deleteOlderThan(cutoffMs: number): Promise<number>;
  close(): Promise<void>;
}
