import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hookstream/config';
import { crmTopics, loadCrmSettings } from './settings.js';

describe('crm settings', () => {
  it('defaults the topic, the group and the actions’ retry schedule (5 attempts, ×4 backoff)', () => {
    const s = loadCrmSettings({ SOURCES_FILE: 'sources.yaml' });
    expect(s).toMatchObject({ CRM_KAFKA_TOPIC: 'crm.events', CRM_KAFKA_GROUP_ID: 'hookstream-processor-crm' });
    expect(s.CRM_ACTION_RETRY_SCHEDULE).toEqual([0, 30_000, 120_000, 480_000, 1_920_000]);
    expect(crmTopics(s)).toEqual({ events: 'crm.events', retry: 'crm.events.retry', dlq: 'crm.events.dlq' });
  });

  it('reads its own settings and names the one that is wrong', () => {
    const s = loadCrmSettings({ SOURCES_FILE: 'f', CRM_KAFKA_TOPIC: 'deals', CRM_KAFKA_GROUP_ID: 'g', CRM_ACTION_RETRY_SCHEDULE: '0,1m,1h' });
    expect([s.CRM_KAFKA_TOPIC, s.CRM_KAFKA_GROUP_ID, s.CRM_ACTION_RETRY_SCHEDULE]).toEqual(['deals', 'g', [0, 60_000, 3_600_000]]);
    expect(() => loadCrmSettings({})).toThrow(/^SOURCES_FILE: required when PROVIDERS includes crm/);
    expect(() => loadCrmSettings({ SOURCES_FILE: 'f', CRM_KAFKA_TOPIC: 'a topic' })).toThrow(/^CRM_KAFKA_TOPIC: must be a valid Kafka topic name/);
    expect(() => loadCrmSettings({ SOURCES_FILE: 'f', CRM_ACTION_RETRY_SCHEDULE: '0,soon' })).toThrow(ConfigError);
    expect(() => loadCrmSettings({ SOURCES_FILE: 'f', CRM_ACTION_RETRY_SCHEDULE: '0,soon' })).toThrow(/^CRM_ACTION_RETRY_SCHEDULE: "soon" is not a duration/);
  });
});
