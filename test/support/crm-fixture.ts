import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The `crm` entry's keys (rotation: both valid at once) and `crm-eu`'s own key. */
export const CRM_KEYS = ['crm-e2e-key-0001-rotating-old', 'crm-e2e-key-0002-rotating-new'] as const;
export const EU_KEY = 'crm-eu-e2e-key-0001-abcdef';
export const API_TOKEN = 'crm-e2e-api-token-0123456789';

/**
 * Two CRM sources: `crm` with the reference system's stages and rules (the defaults) and
 * `crm-eu` with its own stages and rules, beside a generic source the crm provider ignores.
 */
const SOURCES_YAML = `sources:
  - name: notifications
    auth: { type: api_key, keys: ["generic-key-0001-abcdef"] }
    eventType: { value: ping }
    types: { ping: { schema: { type: object } } }
  - name: crm
    provider: crm
    auth: { type: api_key, header: x-api-key, keys: ["${CRM_KEYS[0]}", "${CRM_KEYS[1]}"] }
  - name: crm-eu
    provider: crm
    auth: { type: api_key, header: x-api-key, keys: ["${EU_KEY}"] }
    stages: [Lead, Viewing, Offer, Won]
    rules:
      - status: Won
        actions: [{ type: meta_capi, eventName: Purchase, withValue: true }, { type: brevo, templateId: 12 }]
`;

export interface SourcesFileOnDisk {
  path: string;
  remove(): void;
}

export function writeCrmSourcesFile(): SourcesFileOnDisk {
  const dir = mkdtempSync(join(tmpdir(), 'hookstream-crm-e2e-'));
  const path = join(dir, 'sources.yaml');
  writeFileSync(path, SOURCES_YAML);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const crmHeaders = (key: string, event = 'deal_created'): Record<string, string> => ({
  'content-type': 'application/json',
  'x-api-key': key,
  'x-event': event,
});
