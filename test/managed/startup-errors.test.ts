/**
 * A bad managed-service setting stops each host's real entry point with one line naming the
 * setting (exit 2), before anything connects; the dead-letter CLI does the same. No value of a
 * secret appears.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '@hookstream/cli';
import { startService } from '../support/process.js';

const MISSING = '/nonexistent/hookstream/ca.pem';
const DB = 'mysql://root@127.0.0.1:3306/hookstream';

describe('start-up with a bad managed-service setting', () => {
  it.each([
    [
      'edge',
      { KAFKA_BROKERS: 'b:9093', KAFKA_SASL_MECHANISM: 'aws_msk_iam' },
      /^edge: invalid configuration: KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256/,
    ],
    [
      'edge',
      { KAFKA_BROKERS: 'b:9093', KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: MISSING },
      /^edge: invalid configuration: KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/hookstream\/ca\.pem \(no such file\)$/m,
    ],
    [
      'processor',
      { KAFKA_BROKERS: 'b:9093', DATABASE_URL: DB, DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: MISSING },
      /^processor: invalid configuration: DATABASE_SSL_CA_FILE: cannot read .* \(no such file\)$/m,
    ],
    [
      'dispatcher',
      { KAFKA_BROKERS: 'b:9093', DATABASE_URL: DB, KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'hunter2-secret' },
      /^dispatcher: invalid configuration: KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME is set/,
    ],
    [
      'events-api',
      { DATABASE_URL: DB, EVENTS_API_TOKENS: 'aaaaaaaaaaaaaaaa', DATABASE_SSL: 'verify-full', DATABASE_SSL_CERT_FILE: MISSING },
      /^events-api: invalid configuration: DATABASE_SSL_KEY_FILE: required when DATABASE_SSL_CERT_FILE is set$/m,
    ],
  ] as const)('%s refuses it with one line naming the setting', async (name, env, line) => {
    const p = startService(name, { ...env });
    const { code } = await p.exited;
    expect(p.output()).toMatch(line);
    expect(code).toBe(2);
    expect(p.output().trim().split('\n')).toHaveLength(1);
    expect(p.output()).not.toContain('hunter2-secret');
  });

  it('the dead-letter CLI refuses it the same way', async () => {
    const err: string[] = [];
    const code = await runCli(
      ['dlq:inspect'],
      { KAFKA_BROKERS: '127.0.0.1:1', KAFKA_SSL_CA_FILE: MISSING },
      () => undefined,
      (l) => err.push(l),
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/^dlq:inspect: invalid configuration: KAFKA_SSL_CA_FILE: only used with KAFKA_SSL=true/);
  });
});
