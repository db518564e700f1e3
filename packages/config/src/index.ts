/**
 * @module config: the settings every provider's host needs, validated once at start-up and
 * passed as a frozen value. Providers extend these schemas with their own settings.
 */
export { ConfigError } from './errors.js';
export { parseEnv } from './parse.js';
export { EdgeSchema, loadEdgeConfig, type EdgeConfig } from './edge.js';
export { ProcessorSchema, loadProcessorConfig, type ProcessorConfig } from './processor.js';
export { dlqCliSchema, loadDlqCliConfig, type DlqCliConfig, type DlqTopicDefaults } from './dlq-cli.js';
export * as fields from './fields.js';
export {
  KafkaSecuritySchema,
  kafkaSecurity,
  DatabaseTlsSchema,
  databaseTls,
  DATABASE_SSL_MODES,
  type KafkaSecuritySettings,
  type KafkaSecurity,
  type KafkaTlsOptions,
  type KafkaSaslOptions,
  type DatabaseTlsSettings,
  type DatabaseTlsOptions,
  type ReadSettingFile,
} from './managed.js';
