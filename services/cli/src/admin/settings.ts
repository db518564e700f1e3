import { z } from 'zod';
import { fields, parseEnv } from '@hookstream/config';

/** events-api's default port (its PORT setting); the CLI talks to a local one unless told otherwise. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8081';

/**
 * Settings of the commands that manage endpoints and deliveries through events-api's admin API.
 * The token is an environment setting only: a flag would show it in the process list and the
 * shell history.
 */
const AdminCliSchema = z.object({
  HOOKSTREAM_API_URL: fields.httpUrl.default(DEFAULT_API_URL),
  HOOKSTREAM_ADMIN_TOKEN: z
    .string({ error: "required (one of events-api's ADMIN_API_TOKENS)" })
    .min(16, { error: "must be at least 16 characters (one of events-api's ADMIN_API_TOKENS)" })
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' }),
  /** Log lines go to stderr; the commands' results are on stdout. */
  LOG_LEVEL: fields.logLevel.default('warn'),
});

export type AdminCliSettings = Readonly<z.infer<typeof AdminCliSchema>>;

export function loadAdminCliSettings(env: NodeJS.ProcessEnv): AdminCliSettings {
  return parseEnv(AdminCliSchema, env);
}
