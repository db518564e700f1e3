import { loadDlqCliConfig, type DlqCliConfig } from '@hookstream/config';
import { DEFAULT_HUBSPOT_DLQ_TOPIC, DEFAULT_HUBSPOT_TOPIC } from '@hookstream/hubspot';

/**
 * The dead-letter commands' settings. Unset, KAFKA_TOPIC and KAFKA_DLQ_TOPIC are HubSpot's,
 * the same defaults as the processor's; another provider's dead letters are reached by setting both.
 */
export function loadDlqSettings(env: NodeJS.ProcessEnv): DlqCliConfig {
  return loadDlqCliConfig(env, { topic: DEFAULT_HUBSPOT_TOPIC, dlqTopic: DEFAULT_HUBSPOT_DLQ_TOPIC });
}
