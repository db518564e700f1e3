import { z } from 'zod';
import { fields, parseEnv } from '@hookstream/config';
import { parseSchedule } from '@hookstream/deliveries';
import type { ProviderEnv } from '@hookstream/pipeline';

/** 5 attempts with exponential backoff (×4), as the reference system retried its actions. */
export const DEFAULT_ACTION_RETRY_SCHEDULE = '0,30s,2m,8m,32m';

const schedule = z
  .string()
  .default(DEFAULT_ACTION_RETRY_SCHEDULE)
  .transform((text, ctx) => {
    try {
      return parseSchedule(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; expected comma-separated delays such as ${DEFAULT_ACTION_RETRY_SCHEDULE}` });
      return z.NEVER;
    }
  });

/** The crm provider's settings; required only where it runs (PROVIDERS includes crm). */
export const CrmSettingsSchema = z.object({
  SOURCES_FILE: z.string({ error: 'required when PROVIDERS includes crm (the file that declares the CRM sources)' }).min(1),
  CRM_KAFKA_TOPIC: fields.topicName('crm.events'),
  CRM_KAFKA_GROUP_ID: z.string().min(1).default('hookstream-processor-crm'),
  EDGE_BODY_LIMIT_BYTES: fields.positiveInt(2 * 1024 * 1024),
  /** Delays before each attempt of a rule's action (Meta, Brevo), for the endpoints the rules declare. */
  CRM_ACTION_RETRY_SCHEDULE: schedule,
});

export type CrmSettings = Readonly<z.infer<typeof CrmSettingsSchema>>;

export function loadCrmSettings(env: ProviderEnv): CrmSettings {
  return parseEnv(CrmSettingsSchema, env as NodeJS.ProcessEnv);
}

/** The topics of one consumer group, `.retry` and `.dlq` beside the events topic as for sources. */
export function crmTopics(settings: Pick<CrmSettings, 'CRM_KAFKA_TOPIC'>): { events: string; retry: string; dlq: string } {
  const t = settings.CRM_KAFKA_TOPIC;
  return { events: t, retry: `${t}.retry`, dlq: `${t}.dlq` };
}
