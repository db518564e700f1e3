/**
 * What the archive needs from a backend: flat keys with '/' as the folder separator, listed in
 * byte order (S3's ListObjectsV2 order; the local backend sorts the same way). Implementations
 * throw AppError (ARCHIVE_UNAVAILABLE) for storage failures.
 */
export interface BlobStore {
  /** Durable when it resolves; replaces any object already at `key`. */
  put(key: string, bytes: Buffer, contentType: string): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  /** Names of the folders directly under `prefix` (which ends in '/'), ascending. */
  listFolders(prefix: string): Promise<string[]>;
  /** Every key under `prefix`, ascending, fetched lazily so a caller can stop early. */
  listKeys(prefix: string): AsyncIterable<string>;
  /** Deletes these keys; a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
