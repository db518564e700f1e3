import { z } from 'zod';
import { createLocalArchive } from './local/index.js';
import type { ArchiveStore } from './record.js';
import { createS3Archive, type S3ArchiveOptions } from './s3/index.js';

const DAY_MS = 86_400_000;

const optionalText = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const flag = (dflt: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .default(dflt);

/** Provider ids are path segments of the archive's keys (see keys.ts), so they must be safe as one. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const providerIds = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
  )
  .pipe(z.array(z.string().regex(PROVIDER_ID, { error: 'each provider id must be 1-63 of a-z 0-9 _ -' })));

/**
 * The raw archive's settings. On by default with the local backend, which needs no set-up, for
 * the providers ARCHIVE_PROVIDERS names: a provider switches it on by being listed. S3
 * credentials are not settings here: the AWS SDK reads its own (AWS_ACCESS_KEY_ID, profiles,
 * roles), which keeps secrets out of this schema's error messages and dumps.
 */
export const ArchiveSettingsSchema = z
  .object({
    ARCHIVE_BACKEND: z.enum(['off', 'local', 's3'], { error: 'must be off, local or s3' }).default('local'),
    /** Providers (PROVIDERS ids) whose accepted requests the edge archives; others are never archived. */
    ARCHIVE_PROVIDERS: providerIds.default(['location']),
    /** local: the root directory. */
    ARCHIVE_DIR: z.string().trim().min(1).default('./.archive'),
    ARCHIVE_S3_BUCKET: optionalText,
    /** Key prefix inside the bucket, so one bucket can hold several deployments' archives. */
    ARCHIVE_S3_PREFIX: z.string().trim().default(''),
    /** Most S3-compatible stores accept any region; AWS needs the bucket's. */
    ARCHIVE_S3_REGION: z.string().trim().min(1).default('us-east-1'),
    ARCHIVE_S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    ARCHIVE_S3_FORCE_PATH_STYLE: flag(false),
    /** Records received longer ago than this are deleted by retention runs. */
    ARCHIVE_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
    /** How often events-api runs retention (it also runs once at start-up). */
    ARCHIVE_RETENTION_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(7 * DAY_MS)
      .default(3_600_000),
    /**
     * The edge's bound on one archive write; beyond it the request is answered 503 (the sender
     * retries) instead of holding the connection while S3 or a disk hangs.
     */
    ARCHIVE_WRITE_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(4000),
  })
  .refine((s) => s.ARCHIVE_BACKEND !== 's3' || s.ARCHIVE_S3_BUCKET !== undefined, {
    path: ['ARCHIVE_S3_BUCKET'],
    message: 'is required when ARCHIVE_BACKEND=s3',
    // Report it together with other bad settings, not only once those are fixed: the check reads
    // only these two fields, so it can run whenever they themselves are valid.
    when: (payload) => payload.issues.every((i) => i.path?.[0] !== 'ARCHIVE_BACKEND' && i.path?.[0] !== 'ARCHIVE_S3_BUCKET'),
  });

export type ArchiveSettings = z.output<typeof ArchiveSettingsSchema>;

export interface CreateArchiveOverrides {
  /** s3: explicit credentials instead of the SDK's default chain (tests, a local S3-compatible server). */
  s3Credentials?: S3ArchiveOptions['credentials'];
}

/** The configured store, or null when ARCHIVE_BACKEND=off (nothing is archived and nothing can be read). */
export function createArchive(settings: ArchiveSettings, overrides: CreateArchiveOverrides = {}): ArchiveStore | null {
  switch (settings.ARCHIVE_BACKEND) {
    case 'off':
      return null;
    case 'local':
      return createLocalArchive({ dir: settings.ARCHIVE_DIR });
    case 's3':
      return createS3Archive({
        // The schema requires a bucket for s3; '' would be refused by S3 itself.
        bucket: settings.ARCHIVE_S3_BUCKET ?? '',
        prefix: settings.ARCHIVE_S3_PREFIX,
        region: settings.ARCHIVE_S3_REGION,
        ...(settings.ARCHIVE_S3_ENDPOINT ? { endpoint: settings.ARCHIVE_S3_ENDPOINT } : {}),
        forcePathStyle: settings.ARCHIVE_S3_FORCE_PATH_STYLE,
        ...(overrides.s3Credentials ? { credentials: overrides.s3Credentials } : {}),
      });
  }
}

/** The cutoff a retention run passes to deleteOlderThan: everything received before it goes. */
export function retentionCutoff(settings: Pick<ArchiveSettings, 'ARCHIVE_RETENTION_DAYS'>, now: number = Date.now()): number {
  return now - settings.ARCHIVE_RETENTION_DAYS * DAY_MS;
}
