import { describe, expect, it } from 'vitest';
import { randomClusterId, renderServerProperties } from './kafka-config.js';

function parse(text: string): Map<string, string> {
  const entries = text
    .trim()
    .split('\n')
    .map((line): [string, string] => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
  return new Map(entries);
}

describe('renderServerProperties', () => {
  const props = parse(renderServerProperties({ brokerPort: 19092, controllerPort: 19093, logDirs: '/tmp/k/data' }));

  it('binds both listeners to loopback on the given ports and advertises the broker port', () => {
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
  });

  it('runs as a combined single-node KRaft server with replication factor 1 for internal topics', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.min.isr')).toBe('1');
  });

  it('defaults to 12 partitions and never creates topics implicitly', () => {
    expect(props.get('num.partitions')).toBe('12');
    expect(props.get('auto.create.topics.enable')).toBe('false');
    expect(props.get('log.dirs')).toBe('/tmp/k/data');
  });

  it('honours a different partition default', () => {
    const other = parse(renderServerProperties({ brokerPort: 1, controllerPort: 2, logDirs: '/x', numPartitions: 3 }));
    expect(other.get('num.partitions')).toBe('3');
  });
});

describe('randomClusterId', () => {
  it('is 22 base64url characters and differs between calls', () => {
    const a = randomClusterId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomClusterId()).not.toBe(a);
  });

  it('never starts with "-", which the storage tool would read as an option', () => {
    // 0xf8 encodes to a leading "-" in base64url; the second draw is used instead.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = randomClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x02));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
  });
});

describe('renderServerProperties with more listeners', () => {
  it('binds, advertises and maps them next to PLAINTEXT, and lets extra properties override', () => {
    const props = parse(
      renderServerProperties({
        brokerPort: 19092,
        controllerPort: 19093,
        logDirs: '/tmp/k/data',
        extraListeners: [{ name: 'SASL_SSL', protocol: 'SASL_SSL', port: 19094 }],
        extraProperties: { 'ssl.keystore.type': 'PKCS12', 'num.partitions': 3 },
      }),
    );
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,SASL_SSL://127.0.0.1:19094');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092,SASL_SSL://127.0.0.1:19094');
    expect(props.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL');
    expect(props.get('inter.broker.listener.name')).toBe('PLAINTEXT');
    expect(props.get('ssl.keystore.type')).toBe('PKCS12');
    expect(props.get('num.partitions')).toBe('3');
  });
});
