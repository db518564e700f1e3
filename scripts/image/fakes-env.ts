/**
 * "Unless real credentials are given, the fakes": the rule scripts/fleet.ts applies to `npm start`,
 * for containers. With FAKES_URL set (compose: http://fakes, or http://127.0.0.1 on the host's
 * network), each third party without its credential is pointed at its fake in the `fakes`
 * service, with the credential the fake accepts; a third party whose credential is set is left
 * alone, whatever FAKES_URL says. Without FAKES_URL nothing changes (production).
 */
import { LOCAL } from '../local-defaults.js';
import { FAKE_BREVO_KEY, FAKE_PORTS } from './layout.js';

export interface FakesApplied {
  env: NodeJS.ProcessEnv;
  /** The third parties now pointed at a fake. */
  faked: Array<'hubspot' | 'meta' | 'brevo'>;
}

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

export function withFakes(env: NodeJS.ProcessEnv): FakesApplied {
  const base = env.FAKES_URL?.replace(/\/+$/, '');
  if (!set(base)) return { env, faked: [] };
  const out: NodeJS.ProcessEnv = { ...env };
  const faked: FakesApplied['faked'] = [];
  if (!set(env.HUBSPOT_ACCESS_TOKEN)) {
    out.HUBSPOT_API_BASE_URL = `${base}:${FAKE_PORTS.hubspot}`;
    out.HUBSPOT_ACCESS_TOKEN = LOCAL.fakeHubSpotToken;
    faked.push('hubspot');
  }
  if (!set(env.META_ACCESS_TOKEN)) {
    out.META_GRAPH_URL = `${base}:${FAKE_PORTS.meta}`;
    out.META_ACCESS_TOKEN = LOCAL.fakeMetaToken;
    out.META_PIXEL_ID = LOCAL.fakeMetaPixelId;
    faked.push('meta');
  }
  if (!set(env.BREVO_API_KEY)) {
    out.BREVO_API_URL = `${base}:${FAKE_PORTS.brevo}`;
    out.BREVO_API_KEY = FAKE_BREVO_KEY;
    if (!set(env.BREVO_SENDER_EMAIL)) out.BREVO_SENDER_EMAIL = LOCAL.brevoSender;
    if (!set(env.BREVO_SENDER_NAME)) out.BREVO_SENDER_NAME = 'Hookstream sample';
    faked.push('brevo');
  }
  return { env: out, faked };
}
