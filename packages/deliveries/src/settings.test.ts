import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, parseSchedule } from './schedule.js';
import { DeliverySettingsSchema } from './settings.js';

const issuePaths = (env: Record<string, string>): string[] => {
  const r = DeliverySettingsSchema.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('DeliverySettingsSchema', () => {
  it('defaults', () => {
    expect(DeliverySettingsSchema.parse({})).toEqual({
      DELIVERY_ALLOW_PRIVATE_NETWORKS: false,
      DELIVERY_ALLOW_HTTP: false,
      DELIVERY_ALLOW_LIST: [],
      DELIVERY_TIMEOUT_MS: 15_000,
      DELIVERY_RETRY_SCHEDULE: parseSchedule(DEFAULT_SCHEDULE),
      ENDPOINT_DISABLE_AFTER: 5 * 86_400_000,
      ENDPOINT_SECRET_OVERLAP: 24 * 3_600_000,
      DELIVERY_ENDPOINT_CONCURRENCY: 10,
    });
  });

  it('the default schedule is parsed to milliseconds', () => {
    expect(DeliverySettingsSchema.parse({}).DELIVERY_RETRY_SCHEDULE).toEqual([0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
  });

  it('reads given values', () => {
    expect(
      DeliverySettingsSchema.parse({
        DELIVERY_ALLOW_PRIVATE_NETWORKS: 'yes',
        DELIVERY_ALLOW_HTTP: '1',
        DELIVERY_ALLOW_LIST: ' hooks.internal , 10.1.0.0/16 ,, ',
        DELIVERY_TIMEOUT_MS: '2500',
        DELIVERY_RETRY_SCHEDULE: '0, 1s, 1m',
        ENDPOINT_DISABLE_AFTER: '2h',
        ENDPOINT_SECRET_OVERLAP: '90m',
        DELIVERY_ENDPOINT_CONCURRENCY: '4',
        ENDPOINTS_FILE: '/etc/hookstream/endpoints.yaml',
      }),
    ).toEqual({
      DELIVERY_ALLOW_PRIVATE_NETWORKS: true,
      DELIVERY_ALLOW_HTTP: true,
      DELIVERY_ALLOW_LIST: ['hooks.internal', '10.1.0.0/16'],
      DELIVERY_TIMEOUT_MS: 2500,
      DELIVERY_RETRY_SCHEDULE: [0, 1000, 60_000],
      ENDPOINT_DISABLE_AFTER: 7_200_000,
      ENDPOINT_SECRET_OVERLAP: 5_400_000,
      DELIVERY_ENDPOINT_CONCURRENCY: 4,
      ENDPOINTS_FILE: '/etc/hookstream/endpoints.yaml',
    });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('flag %j is %s', (value, want) => {
    expect(DeliverySettingsSchema.parse({ DELIVERY_ALLOW_HTTP: value }).DELIVERY_ALLOW_HTTP).toBe(want);
  });

  it.each([
    ['DELIVERY_ALLOW_HTTP', 'maybe'],
    ['DELIVERY_ALLOW_PRIVATE_NETWORKS', 'TRUE'],
    ['DELIVERY_TIMEOUT_MS', 'abc'],
    ['DELIVERY_TIMEOUT_MS', '99'],
    ['DELIVERY_TIMEOUT_MS', '300001'],
    ['DELIVERY_TIMEOUT_MS', '1.5'],
    ['DELIVERY_RETRY_SCHEDULE', '0,,5s'],
    ['DELIVERY_RETRY_SCHEDULE', ''],
    ['DELIVERY_RETRY_SCHEDULE', Array.from({ length: 51 }, () => '1s').join(',')],
    ['ENDPOINT_DISABLE_AFTER', '5 days'],
    ['ENDPOINT_DISABLE_AFTER', '-1h'],
    ['ENDPOINT_SECRET_OVERLAP', '1.5h'],
    ['DELIVERY_ENDPOINT_CONCURRENCY', '0'],
    ['DELIVERY_ENDPOINT_CONCURRENCY', '1001'],
    ['ENDPOINTS_FILE', ''],
  ])('%s=%j is an issue on that setting', (key, value) => {
    expect(issuePaths({ [key]: value })).toEqual([key]);
  });

  it('the issue message explains a bad duration', () => {
    const r = DeliverySettingsSchema.safeParse({ ENDPOINT_DISABLE_AFTER: '5 days' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/"5 days" is not a duration/);
  });

  it('reports every bad setting, not just the first', () => {
    expect(issuePaths({ DELIVERY_ALLOW_HTTP: 'x', DELIVERY_TIMEOUT_MS: '1', ENDPOINT_SECRET_OVERLAP: 'y' }).sort()).toEqual([
      'DELIVERY_ALLOW_HTTP',
      'DELIVERY_TIMEOUT_MS',
      'ENDPOINT_SECRET_OVERLAP',
    ]);
  });
});
