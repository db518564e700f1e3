import type { TestProject } from 'vitest/node';
import { createLogger, redactUrl } from '@hookstream/observability';
import './provided.js';
import { startDatabaseServer, type DatabaseServer } from './database-server.js';
import { startKafka } from './kafka.js';
import type { KafkaHandle } from './kafka-types.js';

/**
 * globalSetup of the vitest `integration` project: one Kafka broker and one database server
 * for the whole run (test files create their own topics and databases on them). The local
 * broker gets port 0 and a fresh temp data dir, so runs never see each other's data.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const log = createLogger({ name: 'test-infra', level: process.env['LOG_LEVEL'] ?? 'info' });
  const started = Date.now();
  const [kafka, db] = await Promise.allSettled([startKafka({ log, port: 0 }), startDatabaseServer({ log })]);
  if (kafka.status === 'rejected' || db.status === 'rejected') {
    // Do not leak whichever half did start.
    if (kafka.status === 'fulfilled') await kafka.value.stop();
    if (db.status === 'fulfilled') await db.value.stop();
    throw kafka.status === 'rejected' ? kafka.reason : (db as PromiseRejectedResult).reason;
  }
  const broker: KafkaHandle = kafka.value;
  const database: DatabaseServer = db.value;
  log.info({ source: broker.source, brokers: broker.brokers }, `Kafka for integration tests: ${broker.source}`);
  log.info({ source: database.source, url: redactUrl(database.url) }, `database server for integration tests: ${database.source}`);
  log.debug({ ms: Date.now() - started }, 'test infrastructure ready');

  project.provide('kafkaBrokers', broker.brokers.join(','));
  project.provide('kafkaSource', broker.source);
  project.provide('databaseServerUrl', database.url);
  project.provide('databaseSource', database.source);

  return async () => {
    const results = await Promise.allSettled([broker.stop(), database.stop()]);
    for (const r of results) if (r.status === 'rejected') log.error({ err: r.reason }, 'stopping test infrastructure failed');
  };
}
