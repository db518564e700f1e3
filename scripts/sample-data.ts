import type { FakeHubSpot } from '@hookstream/testkit';
import { LOCAL } from './local-defaults.js';

/** CRM records the local fake HubSpot API knows, so sample deliveries come out enriched. */
export const SAMPLE_CONTACTS = [
  { id: 1001, firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.com', lifecyclestage: 'lead' },
  { id: 1002, firstname: 'Grace', lastname: 'Hopper', email: 'grace@example.com', lifecyclestage: 'customer' },
] as const;

export function seedSampleObjects(fake: FakeHubSpot): void {
  for (const c of SAMPLE_CONTACTS) {
    fake.upsertObject(LOCAL.samplePortalId, 'contact', {
      id: c.id,
      properties: { firstname: c.firstname, lastname: c.lastname, email: c.email, lifecyclestage: c.lifecyclestage },
      createdAt: '2026-01-05T10:00:00.000Z',
      updatedAt: '2026-01-05T10:00:00.000Z',
    });
  }
}
