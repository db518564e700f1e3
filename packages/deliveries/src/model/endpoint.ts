import { z } from 'zod';
import type { EndpointFilter } from './filter.js';

/**
 * Who owns an endpoint's definition: the admin API, a config file (ENDPOINTS_FILE), or a
 * provider's rules (the CRM's status actions). Only `api` endpoints are changed through the API
 * beyond enabling and disabling.
 */
export type EndpointOrigin = 'api' | 'config' | 'rules';

/** An endpoint as stored, without its secrets (they never leave the store after creation). */
export interface Endpoint {
  id: string;
  /** The destination that sends its deliveries: `webhook` (a client URL, Standard Webhooks) unless a provider's rules made it. */
  kind: string;
  url: string;
  description: string;
  filter: EndpointFilter;
  /** The destination's own settings (Meta's event name, Brevo's template); null for webhooks. */
  destination: Record<string, unknown> | null;
  /** Delays before each attempt, overriding DELIVERY_RETRY_SCHEDULE; null = the dispatcher's. */
  retrySchedule: number[] | null;
  rateLimitPerSecond: number | null;
  /** Deliveries in flight at once; null = the dispatcher's default. Ordered endpoints have one. */
  maxInFlight: number | null;
  ordered: boolean;
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: number | null;
  /** First failure since the last success; the endpoint is disabled once this is ENDPOINT_DISABLE_AFTER old. */
  failingSince: number | null;
  origin: EndpointOrigin;
  /** Ledger id at creation: only events after it are delivered. */
  startAfter: number;
  createdAt: number;
  updatedAt: number;
}

const name = z.string().min(1).max(64);

export const FilterSchema = z
  .object({
    providers: z.array(name).max(50).optional(),
    sources: z.array(name).max(200).optional(),
    types: z.array(z.string().min(1).max(128)).max(200).optional(),
    match: z.record(z.string().min(1).max(200), z.unknown()).optional(),
  })
  .strict();

/** `POST /endpoints` and the entries of ENDPOINTS_FILE (which add an id and a secret). */
export const EndpointInputSchema = z
  .object({
    url: z.string().min(1).max(2048),
    description: z.string().max(500).default(''),
    filter: FilterSchema.default({}),
    rateLimitPerSecond: z.number().int().min(1).max(100_000).nullable().default(null),
    maxInFlight: z.number().int().min(1).max(1000).nullable().default(null),
    ordered: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .strict();

export type EndpointInput = z.output<typeof EndpointInputSchema>;

/** `PATCH /endpoints/:id`: any of the creation fields. */
export const EndpointPatchSchema = z
  .object({
    url: z.string().min(1).max(2048).optional(),
    description: z.string().max(500).optional(),
    filter: FilterSchema.optional(),
    rateLimitPerSecond: z.number().int().min(1).max(100_000).nullable().optional(),
    maxInFlight: z.number().int().min(1).max(1000).nullable().optional(),
    ordered: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type EndpointPatch = z.output<typeof EndpointPatchSchema>;
