import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hookstream/config';
import { loadLocationSettings, locationTopics } from './settings.js';

const load = (env: Record<string, string>) => loadLocationSettings({ SOURCES_FILE: 'sources.yaml', ...env });

describe('location settings', () => {
  it('defaults every setting but SOURCES_FILE', () => {
    expect(load({})).toEqual({
      SOURCES_FILE: 'sources.yaml',
      LOCATION_KAFKA_TOPIC: 'location.events',
      LOCATION_KAFKA_GROUP_ID: 'hookstream-processor-location',
      GEOFENCE_EVENTS_TOPIC: 'location.geofence-events',
      EDGE_BODY_LIMIT_BYTES: 1_048_576,
      GEOFENCE_DWELL_MS: 300_000,
      GEOFENCE_EXIT_MARGIN_M: 0,
      GEOFENCE_REFRESH_MS: 1000,
      GEOFENCE_REPUBLISH_AFTER_MS: 10_000,
    });
    expect(Object.isFrozen(load({}))).toBe(true);
  });

  it('reads its own settings, empty strings meaning unset', () => {
    const s = load({
      LOCATION_KAFKA_TOPIC: 'positions',
      LOCATION_KAFKA_GROUP_ID: 'g-loc',
      GEOFENCE_EVENTS_TOPIC: 'fences',
      EDGE_BODY_LIMIT_BYTES: '2048',
      GEOFENCE_DWELL_MS: '60000',
      GEOFENCE_EXIT_MARGIN_M: '15',
      GEOFENCE_REFRESH_MS: '250',
      GEOFENCE_REPUBLISH_AFTER_MS: '30000',
    });
    expect(s).toMatchObject({
      LOCATION_KAFKA_TOPIC: 'positions',
      LOCATION_KAFKA_GROUP_ID: 'g-loc',
      GEOFENCE_EVENTS_TOPIC: 'fences',
      EDGE_BODY_LIMIT_BYTES: 2048,
      GEOFENCE_DWELL_MS: 60_000,
      GEOFENCE_EXIT_MARGIN_M: 15,
      GEOFENCE_REFRESH_MS: 250,
      GEOFENCE_REPUBLISH_AFTER_MS: 30_000,
    });
    expect(load({ GEOFENCE_DWELL_MS: '', LOCATION_KAFKA_TOPIC: '' })).toMatchObject({ GEOFENCE_DWELL_MS: 300_000, LOCATION_KAFKA_TOPIC: 'location.events' });
  });

  it('turns dwelling off with GEOFENCE_DWELL_MS=off, and takes 0 as a number', () => {
    expect(load({ GEOFENCE_DWELL_MS: 'off' }).GEOFENCE_DWELL_MS).toBeNull();
    expect(load({ GEOFENCE_DWELL_MS: ' off ' }).GEOFENCE_DWELL_MS).toBeNull();
    expect(load({ GEOFENCE_DWELL_MS: '0' }).GEOFENCE_DWELL_MS).toBe(0);
    expect(load({ GEOFENCE_DWELL_MS: ' 120000 ' }).GEOFENCE_DWELL_MS).toBe(120_000);
  });

  it('needs SOURCES_FILE, and says why', () => {
    expect(() => loadLocationSettings({})).toThrow(ConfigError);
    expect(() => loadLocationSettings({})).toThrow('SOURCES_FILE: required when PROVIDERS includes location (the file that declares the location sources)');
    expect(() => loadLocationSettings({ SOURCES_FILE: '' })).toThrow(/^SOURCES_FILE: required when PROVIDERS includes location/);
  });

  it.each([
    ['GEOFENCE_DWELL_MS', 'never', 'GEOFENCE_DWELL_MS: must be off or a whole number of milliseconds (e.g. 300000 for 5 minutes)'],
    ['GEOFENCE_DWELL_MS', '-1', 'GEOFENCE_DWELL_MS: must be off or a whole number of milliseconds (e.g. 300000 for 5 minutes)'],
    ['GEOFENCE_DWELL_MS', '1.5', 'GEOFENCE_DWELL_MS: must be off or a whole number of milliseconds (e.g. 300000 for 5 minutes)'],
    ['GEOFENCE_DWELL_MS', 'OFF', 'GEOFENCE_DWELL_MS: must be off or a whole number of milliseconds (e.g. 300000 for 5 minutes)'],
    ['GEOFENCE_EXIT_MARGIN_M', 'wide', 'GEOFENCE_EXIT_MARGIN_M: must be a number'],
    ['GEOFENCE_EXIT_MARGIN_M', '2.5', 'GEOFENCE_EXIT_MARGIN_M: must be a whole number'],
    ['GEOFENCE_REFRESH_MS', '0', 'GEOFENCE_REFRESH_MS: must be a positive integer'],
    ['GEOFENCE_REFRESH_MS', 'often', 'GEOFENCE_REFRESH_MS: must be a positive integer'],
    ['GEOFENCE_REPUBLISH_AFTER_MS', '-10', 'GEOFENCE_REPUBLISH_AFTER_MS: must be a positive integer'],
    ['EDGE_BODY_LIMIT_BYTES', '1mb', 'EDGE_BODY_LIMIT_BYTES: must be a positive integer'],
    ['LOCATION_KAFKA_TOPIC', 'location events', 'LOCATION_KAFKA_TOPIC: must be a valid Kafka topic name'],
    ['GEOFENCE_EVENTS_TOPIC', 'fences/out', 'GEOFENCE_EVENTS_TOPIC: must be a valid Kafka topic name'],
  ])('refuses %s=%j naming the setting', (name, value, message) => {
    expect(() => load({ [name]: value })).toThrow(ConfigError);
    expect(() => load({ [name]: value })).toThrow(message);
  });

  it('refuses a negative exit margin, naming the setting', () => {
    expect(() => load({ GEOFENCE_EXIT_MARGIN_M: '-1' })).toThrow(/^GEOFENCE_EXIT_MARGIN_M: /);
  });

  it('puts the retry and dead-letter topics beside the events topic', () => {
    expect(locationTopics(load({}))).toEqual({ events: 'location.events', retry: 'location.events.retry', dlq: 'location.events.dlq' });
    expect(locationTopics({ LOCATION_KAFKA_TOPIC: 'positions' })).toEqual({ events: 'positions', retry: 'positions.retry', dlq: 'positions.dlq' });
  });
});

describe('loadLocationSettings: messages', () => {
  it('says a negative GEOFENCE_EXIT_MARGIN_M is negative', () => {
    expect(() => loadLocationSettings({ SOURCES_FILE: 'f', GEOFENCE_EXIT_MARGIN_M: '-1' })).toThrow(/^GEOFENCE_EXIT_MARGIN_M: must not be negative/);
  });
});
