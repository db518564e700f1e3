import { describe, expect, it } from 'vitest';
import { firstErrors } from './kafka-process.js';

describe('firstErrors', () => {
  it('picks ERROR entries with the exception line that follows, ignoring INFO noise', () => {
    const log = [
      '[2026-01-01 00:00:00,000] INFO starting (kafka.Kafka)',
      '[2026-01-01 00:00:01,000] ERROR Unable to start acceptor for PLAINTEXT (kafka.network.DataPlaneAcceptor)',
      'org.apache.kafka.common.KafkaException: Socket server failed to bind to 127.0.0.1:9092: Address already in use.',
      '\tat org.apache.kafka.server.ServerSocketFactory.openServerSocket(ServerSocketFactory.java:56)',
      '[2026-01-01 00:00:02,000] INFO shutting down (kafka.Kafka)',
    ].join('\n');
    const out = firstErrors(log);
    expect(out).toContain('Address already in use');
    expect(out).not.toContain('shutting down');
    expect(out).not.toContain('ServerSocketFactory.java');
  });

  it('is empty when nothing failed', () => {
    expect(firstErrors('[2026-01-01 00:00:00,000] INFO Kafka Server started (kafka.server.KafkaRaftServer)')).toBe('');
  });
});
