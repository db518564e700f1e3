import { z } from 'zod';
import { fields, parseEnv } from '@hookstream/config';
import type { ProviderEnv } from '@hookstream/pipeline';

const nonNegativeInt = (dflt: number) =>
  z.coerce.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must not be negative' }).default(dflt);

/** `off` or a whole number of milliseconds. */
const dwell = z
  .string()
  .trim()
  .default('300000')
  .transform((text, ctx) => {
    if (text === 'off') return null;
    const n = Number(text);
    if (!Number.isSafeInteger(n) || n < 0) {
      ctx.addIssue({ code: 'custom', message: 'must be off or a whole number of milliseconds (e.g. 300000 for 5 minutes)' });
      return z.NEVER;
    }
    return n;
  });

/** The location provider's settings; required only where it runs (PROVIDERS includes location). */
export const LocationSettingsSchema = z.object({
  SOURCES_FILE: z.string({ error: 'required when PROVIDERS includes location (the file that declares the location sources)' }).min(1),
  LOCATION_KAFKA_TOPIC: fields.topicName('location.events'),
  LOCATION_KAFKA_GROUP_ID: z.string().min(1).default('hookstream-processor-location'),
  /** The geofence events' stream (the reference system's Kinesis): other services consume it. */
  GEOFENCE_EVENTS_TOPIC: fields.topicName('location.geofence-events'),
  EDGE_BODY_LIMIT_BYTES: fields.positiveInt(1024 * 1024),
  /** Time inside a geofence before `user.dwelled_in_geofence`; `off`: never. */
  GEOFENCE_DWELL_MS: dwell,
  /** Exit hysteresis: a user inside leaves only once a location is more than this far outside (GPS jitter on a boundary). */
  GEOFENCE_EXIT_MARGIN_M: nonNegativeInt(0),
  /** How often a processor replica reads geofence changes (PUT/DELETE) into its index. */
  GEOFENCE_REFRESH_MS: fields.positiveInt(1000),
  /** Geofence events not yet on the stream (the write after commit failed) are produced again after this long. */
  GEOFENCE_REPUBLISH_AFTER_MS: fields.positiveInt(10_000),
});

export type LocationSettings = Readonly<z.infer<typeof LocationSettingsSchema>>;

export function loadLocationSettings(env: ProviderEnv): LocationSettings {
  return parseEnv(LocationSettingsSchema, env as NodeJS.ProcessEnv);
}

/** The topics of one consumer group, `.retry` and `.dlq` beside the events topic as for the other providers. */
export function locationTopics(settings: Pick<LocationSettings, 'LOCATION_KAFKA_TOPIC'>): { events: string; retry: string; dlq: string } {
  const t = settings.LOCATION_KAFKA_TOPIC;
  return { events: t, retry: `${t}.retry`, dlq: `${t}.dlq` };
}
