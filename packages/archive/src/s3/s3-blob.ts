import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../blob.js';
import { archiveUnavailable } from '../errors.js';

/** DeleteObjects takes at most this many keys per request. */
const MAX_DELETE_KEYS = 1000;

export interface S3BlobTuning {
  /** ListObjectsV2 MaxKeys; S3's own default (1,000) when omitted. Tests set it small to exercise paging. */
  listPageSize?: number;
  /** Keys per DeleteObjects request, at most 1,000. */
  deleteBatch?: number;
}

/** Keys live at `<prefix><key>` in `bucket`; listings hand back keys with the prefix removed. */
export function s3BlobStore(client: S3Client, bucket: string, prefix: string, tuning: S3BlobTuning = {}): BlobStore {
  const deleteBatch = Math.min(tuning.deleteBatch ?? MAX_DELETE_KEYS, MAX_DELETE_KEYS);
  const fail: (what: string, err: unknown) => never = (what, err) => {
    throw archiveUnavailable(`S3 archive: ${what} in s3://${bucket}/${prefix} failed: ${(err as Error).message}`, err);
  };

  async function* pages(keyPrefix: string, delimiter?: string): AsyncGenerator<{ keys: string[]; folders: string[] }> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix + keyPrefix,
            ContinuationToken: token,
            MaxKeys: tuning.listPageSize,
            ...(delimiter ? { Delimiter: delimiter } : {}),
          }),
        );
      } catch (err) {
        fail(`listing ${keyPrefix}`, err);
      }
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key?.startsWith(prefix) ? [o.Key.slice(prefix.length)] : []));
      const folders = (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix.slice(prefix.length + keyPrefix.length).replace(/\/$/, '')] : []));
      yield { keys, folders };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  return {
    async put(key, bytes, contentType) {
      try {
        // No Content-Encoding: the object is the .gz file itself, and a client must not inflate it on download.
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + key, Body: bytes, ContentType: contentType }));
      } catch (err) {
        fail(`writing ${key}`, err);
      }
    },

    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
        if (!res.Body) return Buffer.alloc(0);
        return Buffer.from(await res.Body.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) return null;
        return fail(`reading ${key}`, err);
      }
    },

    async listFolders(keyPrefix) {
      const all: string[] = [];
      for await (const page of pages(keyPrefix, '/')) all.push(...page.folders);
      return all;
    },

    async *listKeys(keyPrefix) {
      for await (const page of pages(keyPrefix)) yield* page.keys;
    },

    async delete(keys) {
      for (let i = 0; i < keys.length; i += deleteBatch) {
        const chunk = keys.slice(i, i + deleteBatch);
        let res;
        try {
          res = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: chunk.map((k) => ({ Key: prefix + k })), Quiet: true } }));
        } catch (err) {
          fail(`deleting ${chunk.length} objects`, err);
        }
        // DeleteObjects answers 200 even when single keys failed; those are listed in Errors.
        const first = res.Errors?.[0];
        if (first) fail(`deleting ${first.Key ?? '?'} (${res.Errors?.length ?? 0} keys)`, new Error(`${first.Code ?? 'Error'}: ${first.Message ?? ''}`));
      }
    },

    async close() {
      client.destroy();
    },
  };
}

function isNotFound(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
