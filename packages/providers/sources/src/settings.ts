import { z } from 'zod';
import { ConfigError, fields, parseEnv } from '@hookstream/config';
import type { ProviderEnv } from '@hookstream/pipeline';

/** The sources provider's settings; required only where it runs (PROVIDERS includes sources). */
export const SourcesSettingsSchema = z.object({
  SOURCES_FILE: z.string({ error: 'required when PROVIDERS includes sources (the file that declares them)' }).min(1),
  SOURCES_KAFKA_TOPIC: fields.topicName('sources.events'),
  SOURCES_KAFKA_GROUP_ID: z.string().min(1).default('hookstream-processor-sources'),
  EDGE_BODY_LIMIT_BYTES: fields.positiveInt(2 * 1024 * 1024),
});

export type SourcesSettings = Readonly<z.infer<typeof SourcesSettingsSchema>>;

export function loadSourcesSettings(env: ProviderEnv): SourcesSettings {
  return parseEnv(SourcesSettingsSchema, env as NodeJS.ProcessEnv);
}

export { ConfigError };
