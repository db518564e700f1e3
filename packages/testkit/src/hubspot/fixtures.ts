import { readdirSync, readFileSync } from 'node:fs';

/**
 * Realistic HubSpot webhook deliveries, one JSON file per subscription type in ./fixtures (named
 * `<subscriptionType>.json`, each a delivery body: an array of events exactly as HubSpot would
 * POST it). Generic `object.*` files carry one event per objectTypeId. Events are raw JSON, not
 * validated: feed them through parseWebhookBatch like the edge does.
 */
export interface HubSpotFixture {
  /** File name without `.json`; equals the subscription type of every event in it. */
  name: string;
  events: Array<Record<string, unknown>>;
}

const DIR = new URL('./fixtures/', import.meta.url);

export function hubspotFixtureNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function hubspotFixture(name: string): HubSpotFixture {
  if (!/^[A-Za-z_]+\.[A-Za-z]+$/.test(name)) throw new Error(`not a fixture name: ${name}`);
  const events = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as unknown;
  if (!Array.isArray(events)) throw new Error(`fixture ${name} is not a delivery array`);
  return { name, events: events as Array<Record<string, unknown>> };
}

export function hubspotFixtures(): HubSpotFixture[] {
  return hubspotFixtureNames().map(hubspotFixture);
}
