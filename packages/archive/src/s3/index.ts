import { S3Client } from '@aws-sdk/client-s3';
import { archiveOver } from '../archive.js';
import type { ArchiveStore } from '../record.js';
import { s3BlobStore } from './s3-blob.js';

export interface S3ArchiveOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. "hookstream/"; a missing trailing '/' is added. */
  prefix?: string;
  region: string;
  /** An S3-compatible store (MinIO, Ceph, R2, a local test server); omit for AWS S3. */
  endpoint?: string;
  /** Path-style URLs (endpoint/bucket/key): what most S3-compatible stores need. */
  forcePathStyle?: boolean;
  /** Omitted: the AWS SDK's default chain (AWS_ACCESS_KEY_ID…, profiles, instance or task roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** Records as objects in an S3 bucket (AWS or compatible); durable once PutObject answered 200. */
export function createS3Archive(options: S3ArchiveOptions): ArchiveStore {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return archiveOver(s3BlobStore(client, options.bucket, normalisePrefix(options.prefix)));
}

export function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
