import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { kafkaJarsDir } from '@hookstream/testkit';

export interface ProducerPerformanceResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
  recordSize: number;
}

/**
 * Parses ProducerPerformance's closing summary, e.g.
 * "500000 records sent, 101234.5 records/sec (41.52 MB/sec), 250.12 ms avg latency, 800.00 ms max latency, 230 ms 50th, 600 ms 95th, 700 ms 99th, 790 ms 99.9th."
 */
export function parseProducerPerformance(output: string, recordSize: number): ProducerPerformanceResult {
  const line = output
    .split('\n')
    .reverse()
    .find((l) => /records sent,.*50th/.test(l));
  const m =
    line &&
    /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, [\d.]+ ms max latency, (\d+) ms 50th, \d+ ms 95th, (\d+) ms 99th/.exec(
      line.trim(),
    );
  if (!m) throw new Error(`ProducerPerformance printed no summary line:\n${output.slice(-2000)}`);
  return {
    records: Number(m[1]),
    recordsPerSec: Number(m[2]),
    mbPerSec: Number(m[3]),
    avgLatencyMs: Number(m[4]),
    p50Ms: Number(m[5]),
    p99Ms: Number(m[6]),
    recordSize,
  };
}

export interface ProducerPerformanceOptions {
  brokers: readonly string[];
  topic: string;
  records: number;
  recordSize: number;
  log: Logger;
  root?: string;
}

/**
 * Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance from the broker's
 * jars), unthrottled, acks=all, default producer settings otherwise: the broker ceiling.
 */
export async function producerPerformance(opts: ProducerPerformanceOptions): Promise<ProducerPerformanceResult> {
  const jars = await kafkaJarsDir({ log: opts.log });
  const log4j = join(opts.root ?? process.cwd(), 'docker', 'kafka', 'log4j2.xml');
  const args = [
    '-Xmx512m',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    `${jars}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    opts.topic,
    '--num-records',
    String(opts.records),
    '--record-size',
    String(opts.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${opts.brokers.join(',')}`,
    'acks=all',
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`ProducerPerformance exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
  return parseProducerPerformance(output, opts.recordSize);
}
