import { describe, expect, it } from 'vitest';
import { clusterNodeProperties } from './kafka-cluster.js';

const parse = (text: string): Map<string, string> =>
  new Map(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('clusterNodeProperties', () => {
  const base = { brokerPort: 9101, controllerPort: 9102, voters: '1@127.0.0.1:9102,2@127.0.0.1:9202,3@127.0.0.1:9302', logDirs: '/tmp/n2' };

  it('gives each node its id, the whole quorum, and replication 3 with min.insync.replicas 2 everywhere', () => {
    const p = parse(clusterNodeProperties({ ...base, nodeId: 2, nodes: 3 }));
    expect(p.get('node.id')).toBe('2');
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('controller.quorum.voters')).toBe(base.voters);
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9101,CONTROLLER://127.0.0.1:9102');
    for (const key of [
      'default.replication.factor',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'share.coordinator.state.topic.replication.factor',
    ]) {
      expect([key, p.get(key)]).toEqual([key, '3']);
    }
    for (const key of ['min.insync.replicas', 'transaction.state.log.min.isr', 'share.coordinator.state.topic.min.isr']) {
      expect([key, p.get(key)]).toEqual([key, '2']);
    }
    // Each key once: the single-broker defaults (replication 1) were overridden, not repeated.
    const keys = clusterNodeProperties({ ...base, nodeId: 2, nodes: 3 })
      .trim()
      .split('\n')
      .map((l) => l.split('=')[0]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never asks for more replicas than there are nodes, and lets the caller override last', () => {
    const p = parse(clusterNodeProperties({ ...base, nodeId: 1, nodes: 2, extra: { 'broker.session.timeout.ms': 4000 } }));
    expect(p.get('default.replication.factor')).toBe('2');
    expect(p.get('min.insync.replicas')).toBe('2');
    expect(p.get('broker.session.timeout.ms')).toBe('4000');
    const single = parse(clusterNodeProperties({ ...base, nodeId: 1, nodes: 1 }));
    expect(single.get('offsets.topic.replication.factor')).toBe('1');
    expect(single.get('min.insync.replicas')).toBe('1');
  });
});
