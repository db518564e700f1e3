import { isAppError } from '@hookstream/core';
import { describe, expect, it } from 'vitest';
import { parseMetaConfig } from './config.js';
import { MetaSettingsSchema } from './settings.js';
import { createMetaCapiDestination } from './destination.js';

describe('MetaSettingsSchema', () => {
  it('defaults the Graph URL and version, and reads blank optional settings as unset', () => {
    const s = MetaSettingsSchema.parse({ META_PIXEL_ID: '1234567890', META_ACCESS_TOKEN: 'tok', META_TEST_EVENT_CODE: ' ', META_APP_SECRET: '' });
    expect(s).toEqual({
      META_GRAPH_URL: 'https://graph.facebook.com',
      META_GRAPH_VERSION: 'v26.0',
      META_PIXEL_ID: '1234567890',
      META_ACCESS_TOKEN: 'tok',
      META_TEST_EVENT_CODE: undefined,
      META_APP_SECRET: undefined,
    });
  });

  it('strips a trailing slash and refuses unusable values', () => {
    expect(MetaSettingsSchema.parse({ META_GRAPH_URL: 'http://127.0.0.1:9/', META_PIXEL_ID: '1', META_ACCESS_TOKEN: 't' }).META_GRAPH_URL).toBe(
      'http://127.0.0.1:9',
    );
    for (const bad of [
      {},
      { META_PIXEL_ID: '1' },
      { META_PIXEL_ID: '1/../x', META_ACCESS_TOKEN: 't' },
      { META_PIXEL_ID: '1', META_ACCESS_TOKEN: 't', META_GRAPH_VERSION: '26' },
      { META_PIXEL_ID: '1', META_ACCESS_TOKEN: 't', META_GRAPH_URL: 'ftp://x' },
    ]) {
      expect(MetaSettingsSchema.safeParse(bad).success).toBe(false);
    }
  });
});

describe('destination settings', () => {
  const destination = createMetaCapiDestination(MetaSettingsSchema.parse({ META_PIXEL_ID: '1', META_ACCESS_TOKEN: 't' }));

  it('has the kind and batch size of Meta', () => {
    expect(destination.kind).toBe('meta_capi');
    expect(destination.maxBatch).toBe(1000);
  });

  it('accepts an event name with an optional withValue', () => {
    expect(parseMetaConfig({ eventName: 'Purchase', withValue: true })).toEqual({ eventName: 'Purchase', withValue: true });
    expect(() => destination.validate?.({ eventName: 'Lead' })).not.toThrow();
  });

  it('refuses anything else with invalid_destination (422) and the path of each failure', () => {
    for (const bad of [null, {}, { eventName: '' }, { eventName: 'Lead', withvalue: true }, { eventName: 'Lead', withValue: 'yes' }]) {
      let caught: unknown;
      try {
        destination.validate?.(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught) && caught.code === 'invalid_destination' && caught.httpStatus === 422).toBe(true);
    }
    try {
      parseMetaConfig({ eventName: 'Lead', withValue: 'yes' });
    } catch (err) {
      expect(isAppError(err) && err.errors).toEqual([{ path: '/withValue', message: expect.any(String) }]);
    }
  });
});
