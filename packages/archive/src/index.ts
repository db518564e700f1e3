/**
 * @module archive: the raw archive. Every accepted webhook request stored byte for byte with its
 * non-secret headers, compressed and partitioned by provider, source and UTC hour, readable by
 * request id, deleted after a retention period. Backends: a local directory (default) and S3.
 */
export type { ArchiveRecord, ArchiveStore, ArchiveHeaders } from './record.js';
export { safeHeaders, ALWAYS_SECRET_HEADERS } from './headers.js';
export { dataKey, indexKey, partitionOf } from './keys.js';
export { createLocalArchive, type LocalArchiveOptions } from './local/index.js';
export { createS3Archive, type S3ArchiveOptions } from './s3/index.js';
export { ArchiveSettingsSchema, createArchive, retentionCutoff, type ArchiveSettings, type CreateArchiveOverrides } from './settings.js';
