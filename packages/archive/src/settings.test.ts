import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveSettingsSchema, createArchive, retentionCutoff } from './settings.js';
import { normalisePrefix } from './s3/index.js';

describe('ArchiveSettingsSchema', () => {
  it('defaults to the local backend in ./.archive, for the location provider', () => {
    expect(ArchiveSettingsSchema.parse({})).toEqual({
      ARCHIVE_BACKEND: 'local',
      ARCHIVE_PROVIDERS: ['location'],
      ARCHIVE_DIR: './.archive',
      ARCHIVE_S3_PREFIX: '',
      ARCHIVE_S3_REGION: 'us-east-1',
      ARCHIVE_S3_FORCE_PATH_STYLE: false,
      ARCHIVE_RETENTION_DAYS: 30,
      ARCHIVE_RETENTION_INTERVAL_MS: 3_600_000,
      ARCHIVE_WRITE_TIMEOUT_MS: 4000,
    });
  });

  it('ARCHIVE_BACKEND=off creates no store', () => {
    expect(createArchive(ArchiveSettingsSchema.parse({ ARCHIVE_BACKEND: 'off' }))).toBeNull();
  });

  it('reads ARCHIVE_PROVIDERS as a comma list of provider ids', () => {
    expect(ArchiveSettingsSchema.parse({ ARCHIVE_PROVIDERS: ' location, sources ,,crm ' }).ARCHIVE_PROVIDERS).toEqual(['location', 'sources', 'crm']);
    const bad = ArchiveSettingsSchema.safeParse({ ARCHIVE_PROVIDERS: 'location,Hub Spot' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path.join('.')).toBe('ARCHIVE_PROVIDERS.1');
  });

  it('reads the retention interval and the write timeout, and refuses nonsense', () => {
    expect(ArchiveSettingsSchema.parse({ ARCHIVE_RETENTION_INTERVAL_MS: '60000', ARCHIVE_WRITE_TIMEOUT_MS: '250' })).toMatchObject({
      ARCHIVE_RETENTION_INTERVAL_MS: 60_000,
      ARCHIVE_WRITE_TIMEOUT_MS: 250,
    });
    const r = ArchiveSettingsSchema.safeParse({ ARCHIVE_RETENTION_INTERVAL_MS: '10', ARCHIVE_WRITE_TIMEOUT_MS: 'soon' });
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['ARCHIVE_RETENTION_INTERVAL_MS', 'ARCHIVE_WRITE_TIMEOUT_MS']);
  });

  it('reads the S3 settings', () => {
    expect(
      ArchiveSettingsSchema.parse({
        ARCHIVE_BACKEND: 's3',
        ARCHIVE_S3_BUCKET: 'audit',
        ARCHIVE_S3_PREFIX: 'hookstream/prod',
        ARCHIVE_S3_REGION: 'eu-west-3',
        ARCHIVE_S3_ENDPOINT: 'http://127.0.0.1:9000',
        ARCHIVE_S3_FORCE_PATH_STYLE: 'yes',
        ARCHIVE_RETENTION_DAYS: '7',
      }),
    ).toMatchObject({ ARCHIVE_S3_BUCKET: 'audit', ARCHIVE_S3_FORCE_PATH_STYLE: true, ARCHIVE_RETENTION_DAYS: 7, ARCHIVE_S3_ENDPOINT: 'http://127.0.0.1:9000' });
  });

  it('names each bad setting', () => {
    const r = ArchiveSettingsSchema.safeParse({
      ARCHIVE_BACKEND: 's3',
      ARCHIVE_S3_ENDPOINT: 'ftp://x',
      ARCHIVE_RETENTION_DAYS: '0',
      ARCHIVE_S3_FORCE_PATH_STYLE: 'maybe',
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'ARCHIVE_RETENTION_DAYS',
      'ARCHIVE_S3_BUCKET',
      'ARCHIVE_S3_ENDPOINT',
      'ARCHIVE_S3_FORCE_PATH_STYLE',
    ]);
    expect(ArchiveSettingsSchema.safeParse({ ARCHIVE_BACKEND: 'database' }).success).toBe(false);
  });

  it('createArchive builds the local backend', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookstream-archive-settings-'));
    const store = createArchive(ArchiveSettingsSchema.parse({ ARCHIVE_BACKEND: 'local', ARCHIVE_DIR: dir }));
    expect(store).not.toBeNull();
    await store?.put({ requestId: 'r', receivedAt: 1, provider: 'p', source: 's', method: 'POST', url: '/', headers: {}, body: Buffer.from('x') });
    expect((await store?.get('r'))?.body.toString()).toBe('x');
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('retentionCutoff is now minus the retention days', () => {
    expect(retentionCutoff({ ARCHIVE_RETENTION_DAYS: 30 }, 100 * 86_400_000)).toBe(70 * 86_400_000);
  });

  it('normalises the S3 prefix to "" or "…/"', () => {
    expect(normalisePrefix(undefined)).toBe('');
    expect(normalisePrefix('/a/b')).toBe('a/b/');
    expect(normalisePrefix('a/')).toBe('a/');
  });
});
