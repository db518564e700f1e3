import type { Base } from '@platformatic/kafka';
import type { Logger } from '@hookstream/observability';

/**
 * @platformatic/kafka logs nothing itself (only `debug`); its broker events become the same
 * short lines the kafkajs log creator writes: one warning per failed connection, connects and
 * disconnects at debug. The broker address is logged, never credentials.
 */
export function watchBrokers(client: object, log: Logger): void {
  const child = log.child({ component: 'platformatic-kafka' });
  // Every client (producer, consumer, admin) extends Base and emits its events.
  const base = client as Base;
  base.on('client:broker:failed', ({ broker }) => child.warn({ broker: `${broker.host}:${broker.port}` }, 'kafka: connection to broker failed'));
  base.on('client:broker:connect', ({ broker }) => child.debug({ broker: `${broker.host}:${broker.port}` }, 'kafka: connected to broker'));
  base.on('client:broker:disconnect', ({ broker }) => child.debug({ broker: `${broker.host}:${broker.port}` }, 'kafka: disconnected from broker'));
}
