import { isAppError } from '@hookstream/core';
import { describe, expect, it } from 'vitest';
import { parseBrevoConfig } from './config.js';
import { BrevoSettingsSchema } from './settings.js';

describe('BrevoSettingsSchema', () => {
  it('defaults the API URL and leaves the optional settings unset', () => {
    expect(BrevoSettingsSchema.parse({ BREVO_API_KEY: 'k', BREVO_SENDER_EMAIL: 'deals@example.com', BREVO_SENDER_NAME: '', BREVO_TEMPLATE_ID: '' })).toEqual({
      BREVO_API_URL: 'https://api.brevo.com',
      BREVO_API_KEY: 'k',
      BREVO_SENDER_EMAIL: 'deals@example.com',
    });
  });

  it('reads a template id from the environment and drops a trailing slash of the URL', () => {
    const s = BrevoSettingsSchema.parse({
      BREVO_API_URL: 'http://127.0.0.1:9/',
      BREVO_API_KEY: 'k',
      BREVO_SENDER_EMAIL: 'a@example.com',
      BREVO_TEMPLATE_ID: '42',
    });
    expect(s).toMatchObject({ BREVO_API_URL: 'http://127.0.0.1:9', BREVO_TEMPLATE_ID: 42 });
  });

  it.each([
    [{ BREVO_SENDER_EMAIL: 'a@example.com' }, 'BREVO_API_KEY'],
    [{ BREVO_API_KEY: 'k', BREVO_SENDER_EMAIL: 'nope' }, 'BREVO_SENDER_EMAIL'],
    [{ BREVO_API_KEY: 'k', BREVO_SENDER_EMAIL: 'a@example.com', BREVO_TEMPLATE_ID: '0' }, 'BREVO_TEMPLATE_ID'],
    [{ BREVO_API_KEY: 'k', BREVO_SENDER_EMAIL: 'a@example.com', BREVO_API_URL: 'ftp://x' }, 'BREVO_API_URL'],
  ])('refuses %o', (env, field) => {
    const r = BrevoSettingsSchema.safeParse(env);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path[0])).toContain(field);
  });
});

describe('parseBrevoConfig', () => {
  it('accepts no settings, a template or a subject', () => {
    expect(parseBrevoConfig(null)).toEqual({});
    expect(parseBrevoConfig({ templateId: 3, subject: 'Hi' })).toEqual({ templateId: 3, subject: 'Hi' });
  });

  it.each([
    [{ templateId: -1 }, '/templateId'],
    [{ templateId: 1.5 }, '/templateId'],
    [{ subject: '' }, '/subject'],
    [{ template: 1 }, ''],
    ['x', ''],
  ])('refuses %o with invalid_destination 422', (config, path) => {
    let err: unknown;
    try {
      parseBrevoConfig(config);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'invalid_destination', httpStatus: 422, retryable: false });
    expect((err as { errors: Array<{ path: string }> }).errors[0]?.path).toBe(path);
  });
});
