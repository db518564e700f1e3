import { loadEdgeConfig } from '@hookstream/config';
import { createKafka, createProducer, ensureTopics } from '@hookstream/kafka';
import { createLogger, installShutdown, runService } from '@hookstream/observability';
import { buildEdgeApp } from './app.js';
import { createKafkaPublisher } from './publisher.js';
import { createEdgeOAuth } from './oauth-wiring.js';

await runService('edge', async () => {
  const config = loadEdgeConfig(process.env);
  const log = createLogger({ name: 'edge', level: config.LOG_LEVEL });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID, log });
  await ensureTopics(kafka, [{ topic: config.KAFKA_TOPIC, numPartitions: config.KAFKA_TOPIC_PARTITIONS, replicationFactor: config.KAFKA_REPLICATION_FACTOR }], log);
  const producer = createProducer(kafka, log);
  await producer.connect();
  const publisher = createKafkaPublisher(producer, config.KAFKA_TOPIC, config.EDGE_PRODUCE_TIMEOUT_MS);
  const oauth = createEdgeOAuth(config, log);
  const app = await buildEdgeApp({ config, publisher, log, ...(oauth ? { oauth: oauth.routes } : {}) });
  // Stop taking requests and drain those in flight before the producer goes away.
  installShutdown(log, [
    { name: 'http', close: () => app.close() },
    { name: 'kafka-producer', close: () => producer.disconnect() },
    { name: 'oauth-database', close: async () => oauth?.close() },
  ], { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  await app.listen({ port: config.PORT, host: config.HOST });
  const target = config.PUBLIC_URL ? `${config.PUBLIC_URL.replace(/\/$/, '')}/webhooks/hubspot` : null;
  if (oauth) log.info({ install: oauth.routes.redirectUri.replace(/\/oauth\/callback$/, '/oauth/install'), redirectUri: oauth.routes.redirectUri }, 'HubSpot OAuth installs enabled');
  log.info({ port: config.PORT, target }, target ? `point HubSpot webhooks at ${target}` : 'PUBLIC_URL unset: v2/v3 signatures are checked against the Host header');
});
