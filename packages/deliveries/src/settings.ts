import { fields } from '@hookstream/config';
import { z } from 'zod';
import { DEFAULT_SCHEDULE, parseDuration, parseSchedule } from './schedule.js';

const duration = (dflt: string) =>
  z
    .string()
    .default(dflt)
    .transform((s, ctx) => {
      try {
        return parseDuration(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  );

/**
 * Settings of outbound deliveries, shared by the dispatcher (which sends) and events-api (which
 * checks endpoint URLs when they are registered and rotates secrets).
 */
export const DeliverySettingsSchema = z.object({
  /** Let endpoint URLs reach loopback, private and link-local addresses (never cloud metadata). */
  DELIVERY_ALLOW_PRIVATE_NETWORKS: fields.boolFlag(false),
  /** Allow plain http: endpoint URLs; by default only https:. */
  DELIVERY_ALLOW_HTTP: fields.boolFlag(false),
  /** Hosts or CIDRs allowed whatever they resolve to (comma-separated). */
  DELIVERY_ALLOW_LIST: list,
  /** An attempt that has no complete 2xx answer within this is a failure. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Delays before each attempt of a round (comma-separated durations). */
  DELIVERY_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_SCHEDULE)
    .transform((s, ctx) => {
      try {
        return parseSchedule(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** An endpoint failing every attempt for this long is disabled. */
  ENDPOINT_DISABLE_AFTER: duration('5d'),
  /** How long the previous secret keeps signing after a rotation. */
  ENDPOINT_SECRET_OVERLAP: duration('24h'),
  /** Deliveries in flight per endpoint unless the endpoint sets its own. */
  DELIVERY_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  /** Endpoints declared in a file (YAML or JSON), kept in step with the database at start-up. */
  ENDPOINTS_FILE: z.string().min(1).optional(),
});

export type DeliverySettings = z.output<typeof DeliverySettingsSchema>;
