/**
 * The settings deploy/k8s gives each container, run through that service's own configuration
 * loaders: what a pod would get from the ConfigMap, its literal env and the example Secrets is
 * a configuration the service accepts at start-up (with the placeholders in place of secrets).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseTls, DatabaseTlsSchema, kafkaSecurity, loadEdgeConfig, loadProcessorConfig, parseEnv } from '@hookstream/config';
import { loadCrmSettings } from '@hookstream/crm';
import { loadDispatcherConfig } from '@hookstream/dispatcher';
import { loadEventsApiConfig } from '@hookstream/events-api';
import { loadHubSpotEdgeConfig, loadHubSpotProcessorConfig } from '@hookstream/hubspot';
import { loadLocationSettings } from '@hookstream/location';
import { loadSourcesSettings } from '@hookstream/sources';
import { readDatabaseUrl } from '@hookstream/store';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../image/bundle.js';
import { containersOf, renderDir, type Container, type K8sObject } from './render.js';

const { objects } = renderDir(join(ROOT, 'deploy/k8s'));
const dir = mkdtempSync(join(tmpdir(), 'hookstream-k8s-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dataOf = (kind: string, name: string): Record<string, string> => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  return { ...((o?.data ?? {}) as Record<string, string>), ...((o?.stringData ?? {}) as Record<string, string>) };
};
const sourcesFile = join(dir, 'sources.yaml');
writeFileSync(sourcesFile, dataOf('Secret', 'hookstream-sources')['sources.yaml'] ?? '');

type Env = { name: string; value?: string; valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } } };

/** The environment a container starts with; SOURCES_FILE points at a copy of the mounted file. */
function podEnv(c: Container, secretEdits: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of (c.envFrom ?? []) as Array<{ configMapRef?: { name: string } }>) Object.assign(env, dataOf('ConfigMap', from.configMapRef?.name ?? ''));
  for (const e of (c.env ?? []) as Env[]) {
    const cm = e.valueFrom?.configMapKeyRef;
    const sk = e.valueFrom?.secretKeyRef;
    const v = e.value ?? (cm ? dataOf('ConfigMap', cm.name)[cm.key] : sk ? (secretEdits[sk.key] ?? dataOf('Secret', sk.name)[sk.key]) : undefined);
    if (v !== undefined) env[e.name] = v;
  }
  if (env.SOURCES_FILE) env.SOURCES_FILE = sourcesFile;
  return env;
}

const containerOf = (service: string): Container => {
  const c = objects.flatMap((o: K8sObject) => containersOf(o)).find((x) => ((x.env ?? []) as Env[]).some((e) => e.name === 'SERVICE' && e.value === service));
  if (!c) throw new Error(`no container runs SERVICE=${service}`);
  return c;
};

/** Each service's start-up parsing of its settings (the loaders its main.ts calls). */
const LOADERS: Record<string, (env: Record<string, string>) => void> = {
  edge: (env) => {
    loadHubSpotEdgeConfig(env);
    loadSourcesSettings(env);
    loadCrmSettings(env);
    loadLocationSettings(env);
    kafkaSecurity(loadEdgeConfig(env));
  },
  processor: (env) => {
    loadHubSpotProcessorConfig(env);
    loadSourcesSettings(env);
    loadCrmSettings(env);
    loadLocationSettings(env);
    kafkaSecurity(loadProcessorConfig(env));
    databaseTls(parseEnv(DatabaseTlsSchema, env));
  },
  'events-api': (env) => {
    loadEventsApiConfig(env);
    databaseTls(parseEnv(DatabaseTlsSchema, env));
  },
  dispatcher: (env) => {
    kafkaSecurity(loadDispatcherConfig(env));
    databaseTls(parseEnv(DatabaseTlsSchema, env));
  },
  migrate: (env) => {
    readDatabaseUrl(env);
    databaseTls(parseEnv(DatabaseTlsSchema, env));
  },
};

describe("each container's settings pass its service's own configuration loaders", () => {
  it.each(Object.keys(LOADERS))('%s', (service) => {
    const env = podEnv(containerOf(service));
    expect(() => LOADERS[service]!(env)).not.toThrow();
  });

  it('and these checks fail on settings the services refuse', () => {
    expect(() => LOADERS['events-api']!(podEnv(containerOf('events-api'), { EVENTS_API_TOKENS: 'short' }))).toThrow(/EVENTS_API_TOKENS/);
    expect(() => LOADERS.edge!(podEnv(containerOf('edge'), { HUBSPOT_CLIENT_SECRET: '' }))).toThrow(/HUBSPOT_CLIENT_SECRET/);
    expect(() => LOADERS.dispatcher!(podEnv(containerOf('dispatcher'), { DATABASE_URL: 'postgres://db:5432/hookstream' }))).toThrow(/DATABASE_URL/);
    expect(() => LOADERS.migrate!({ ...podEnv(containerOf('migrate')), DATABASE_SSL: 'maybe' })).toThrow(/DATABASE_SSL/);
    expect(() => LOADERS.processor!({ ...podEnv(containerOf('processor')), KAFKA_SASL_MECHANISM: 'aws-msk-iam' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});
