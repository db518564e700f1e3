/**
 * Checks of deploy/k8s without a cluster:
 *
 * - schemaErrors: each object against its kind's schema. Kubernetes' own kinds use the
 *   validators of `kubernetes-models` (generated from Kubernetes' OpenAPI); KEDA's ScaledObject
 *   those of `@kubernetes-models/keda` (generated from KEDA's v1alpha1 API types). KEDA types a
 *   trigger's metadata as a string map, so the kafka trigger's fields are checked here against
 *   KAFKA_TRIGGER_SCHEMA, written from KEDA's scaler documentation.
 * - crossCheck: what a schema cannot see, the references between objects and to this repository
 *   (the image's SERVICE names, its health ports, the topics' partitions).
 */
import { dirname, posix } from 'node:path';
import { Ajv } from 'ajv';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { SERVICES } from '../image/layout.js';
import { containersOf, isObject, podSpecOf, type Container, type K8sObject } from './render.js';

type Validatable = { validate(): void };
type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind → the model whose validate() applies that kind's schema. A kind missing here is an error. */
const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'batch/v1/Job': Job as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject as unknown as ModelClass,
};

/**
 * The kafka trigger's metadata (KEDA's Apache Kafka scaler, https://keda.sh/docs/2.15/scalers/apache-kafka/,
 * "Parameter list"): every value is a string; bootstrapServers and consumerGroup are required here
 * because these manifests set them literally (not from the target's environment). Unknown keys
 * are refused so a misspelt parameter (KEDA ignores those) fails the test.
 */
export const KAFKA_TRIGGER_SCHEMA = {
  type: 'object',
  required: ['bootstrapServers', 'consumerGroup', 'topic', 'lagThreshold'],
  additionalProperties: false,
  properties: {
    bootstrapServers: { type: 'string', pattern: '^[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*$' },
    consumerGroup: { type: 'string', minLength: 1 },
    topic: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,249}$' },
    lagThreshold: { type: 'string', pattern: '^[1-9][0-9]*$' },
    activationLagThreshold: { type: 'string', pattern: '^[0-9]+$' },
    offsetResetPolicy: { enum: ['latest', 'earliest'] },
    allowIdleConsumers: { enum: ['true', 'false'] },
    excludePersistentLag: { enum: ['true', 'false'] },
    limitToPartitionsWithLag: { enum: ['true', 'false'] },
    scaleToZeroOnInvalidOffset: { enum: ['true', 'false'] },
    version: { type: 'string' },
    partitionLimitation: { type: 'string' },
    sasl: { enum: ['none', 'plaintext', 'scram_sha256', 'scram_sha512', 'oauthbearer', 'gssapi'] },
    tls: { enum: ['enable', 'disable'] },
    unsafeSsl: { enum: ['true', 'false'] },
  },
} as const;

const ajv = new Ajv({ allErrors: true });
const validateKafkaTrigger = ajv.compile(KAFKA_TRIGGER_SCHEMA);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems of one object against its schema, each prefixed with `Kind/name`. */
export function schemaErrors(o: K8sObject): string[] {
  const id = `${o.kind}/${o.metadata.name}`;
  const out: string[] = [];
  if (o.metadata.name.length > 253 || !DNS_SUBDOMAIN.test(o.metadata.name)) out.push(`${id}: metadata.name is not a DNS subdomain name`);
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return [...out, `${id}: no schema for ${o.apiVersion} ${o.kind} (known: ${Object.keys(MODELS).join(', ')})`];
  try {
    new Model(o as never).validate();
  } catch (err) {
    out.push(`${id}: ${(err as Error).message}`);
  }
  if (o.kind === 'ScaledObject') {
    for (const [i, t] of triggersOf(o).entries()) {
      if (t.type !== 'kafka') continue;
      if (!validateKafkaTrigger(t.metadata ?? {})) {
        out.push(`${id}: triggers[${i}].metadata: ${ajv.errorsText(validateKafkaTrigger.errors, { dataVar: 'metadata' })}`);
      }
    }
  }
  return out;
}

type Trigger = { type?: string; name?: string; metadata?: Record<string, string> };

function triggersOf(o: K8sObject): Trigger[] {
  const spec = o.spec;
  return isObject(spec) && Array.isArray(spec.triggers) ? (spec.triggers as Trigger[]) : [];
}

/** Each processor provider's consumer group and events topic, as the ConfigMap's keys (the providers' settings). */
export const PROVIDER_GROUPS: Record<string, { group: string; topic: string }> = {
  hubspot: { group: 'KAFKA_GROUP_ID', topic: 'KAFKA_TOPIC' },
  sources: { group: 'SOURCES_KAFKA_GROUP_ID', topic: 'SOURCES_KAFKA_TOPIC' },
  crm: { group: 'CRM_KAFKA_GROUP_ID', topic: 'CRM_KAFKA_TOPIC' },
  location: { group: 'LOCATION_KAFKA_GROUP_ID', topic: 'LOCATION_KAFKA_TOPIC' },
};
export const DISPATCHER_GROUP = { group: 'DISPATCHER_GROUP_ID', topic: 'DELIVERIES_TOPIC' };

/** How each long-running service is scaled, and its default SHUTDOWN_TIMEOUT_MS (packages/config, services/dispatcher/src/config.ts, packages/observability/src/shutdown.ts). */
export const FLEET: Record<string, { scaler: 'HorizontalPodAutoscaler' | 'ScaledObject' | null; shutdownMs: number }> = {
  edge: { scaler: 'HorizontalPodAutoscaler', shutdownMs: 20_000 },
  processor: { scaler: 'ScaledObject', shutdownMs: 25_000 },
  'events-api': { scaler: null, shutdownMs: 25_000 },
  dispatcher: { scaler: 'ScaledObject', shutdownMs: 25_000 },
};

type Env = { name: string; value?: string; valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef } };
type KeyRef = { name: string; key: string; optional?: boolean };
type Port = { name?: string; containerPort: number };
type Probe = { httpGet?: { path?: string; port: string | number } };

const byKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const podLabels = (o: K8sObject): Record<string, string> | undefined => {
  const spec = o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
  return spec?.template?.metadata?.labels;
};
const envList = (c: Container): Env[] => (Array.isArray(c.env) ? (c.env as Env[]) : []);
const portsOf = (c: Container): Port[] => (Array.isArray(c.ports) ? (c.ports as Port[]) : []);
const envValue = (c: Container, name: string): string | undefined => envList(c).find((e) => e.name === name)?.value;
const portResolves = (c: Container, port: string | number | undefined): Port | undefined =>
  portsOf(c).find((p) => (typeof port === 'number' ? p.containerPort === port : p.name === port));

/**
 * What holds across the objects, as one line per problem (empty: all good). `imageRef` is the
 * image every container must run once rendered.
 */
export function crossCheck(objects: readonly K8sObject[], opts: { imageRef?: string } = {}): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) out.push(`${key}: defined twice`);
    seen.add(key);
  }

  const configMaps = new Map(byKind(objects, 'ConfigMap').map((c) => [c.metadata.name, (c.data ?? {}) as Record<string, string>]));
  const secrets = new Map(
    byKind(objects, 'Secret').map((s) => [
      s.metadata.name,
      { ...((s.data ?? {}) as Record<string, string>), ...((s.stringData ?? {}) as Record<string, string>) },
    ]),
  );
  const deployments = byKind(objects, 'Deployment');
  const workloads = [...deployments, ...byKind(objects, 'Job')];

  /** The environment a container gets from its ConfigMaps and its own env (values only where literal or from a ConfigMap). */
  const effectiveEnv = (c: Container): Map<string, string | undefined> => {
    const env = new Map<string, string | undefined>();
    for (const from of Array.isArray(c.envFrom) ? (c.envFrom as Array<{ configMapRef?: { name: string } }>) : []) {
      for (const [k, v] of Object.entries(configMaps.get(from.configMapRef?.name ?? '') ?? {})) env.set(k, v);
    }
    for (const e of envList(c))
      env.set(
        e.name,
        e.value ?? (e.valueFrom?.configMapKeyRef ? configMaps.get(e.valueFrom.configMapKeyRef.name)?.[e.valueFrom.configMapKeyRef.key] : undefined),
      );
    return env;
  };

  // Workloads: the image, SERVICE, config references, ports and probes, volumes.
  const serviceOf = new Map<string, string>();
  for (const w of workloads) {
    const id = `${w.kind}/${w.metadata.name}`;
    const pod = podSpecOf(w) ?? {};
    const volumes = (Array.isArray(pod.volumes) ? pod.volumes : []) as Array<{
      name: string;
      secret?: { secretName: string };
      configMap?: { name: string };
      emptyDir?: unknown;
    }>;
    const containers = containersOf(w);
    if (containers.length === 0) out.push(`${id}: no containers`);
    if (w.kind === 'Deployment') {
      const spec = w.spec as { selector?: { matchLabels?: Record<string, string> } };
      if (!matches(spec.selector?.matchLabels, podLabels(w))) out.push(`${id}: spec.selector does not match its pod template's labels`);
    }
    const sc = (pod.securityContext ?? {}) as { runAsNonRoot?: boolean; runAsUser?: number };
    // The image's USER is `node`, a name: the kubelet can only enforce runAsNonRoot with a numeric uid.
    if (sc.runAsNonRoot !== true || typeof sc.runAsUser !== 'number' || sc.runAsUser === 0)
      out.push(`${id}: pod must set runAsNonRoot and a numeric non-zero runAsUser`);

    for (const c of containers) {
      const cid = `${id} container ${c.name}`;
      if (opts.imageRef !== undefined && c.image !== opts.imageRef) out.push(`${cid}: image ${String(c.image)} is not ${opts.imageRef}`);
      const service = envValue(c, 'SERVICE');
      if (service === undefined || !Object.hasOwn(SERVICES, service)) {
        out.push(`${cid}: SERVICE ${JSON.stringify(service)} is not one the image runs (${Object.keys(SERVICES).join(', ')})`);
      } else serviceOf.set(w.metadata.name, service);

      for (const from of Array.isArray(c.envFrom) ? (c.envFrom as Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>) : []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) out.push(`${cid}: envFrom ConfigMap ${from.configMapRef.name} does not exist`);
        if (from.secretRef && !secrets.has(from.secretRef.name)) out.push(`${cid}: envFrom Secret ${from.secretRef.name} does not exist`);
      }
      for (const e of envList(c)) {
        const cm = e.valueFrom?.configMapKeyRef;
        const sk = e.valueFrom?.secretKeyRef;
        if (cm && !(cm.key in (configMaps.get(cm.name) ?? {}))) out.push(`${cid}: env ${e.name}: ConfigMap ${cm.name} has no key ${cm.key}`);
        if (sk && !(sk.key in (secrets.get(sk.name) ?? {}))) out.push(`${cid}: env ${e.name}: Secret ${sk.name} has no key ${sk.key}`);
      }

      // Ports: PORT is the one declared, and the image's default for SERVICE.
      const env = effectiveEnv(c);
      const healthPort = service !== undefined && Object.hasOwn(SERVICES, service) ? SERVICES[service as keyof typeof SERVICES] : null;
      if (healthPort !== null && service !== undefined && service in FLEET) {
        const port = Number(env.get('PORT') ?? healthPort);
        if (!portsOf(c).some((p) => p.containerPort === port)) out.push(`${cid}: listens on ${port} (PORT), which is not a declared containerPort`);
        if (port !== healthPort) out.push(`${cid}: PORT ${port} differs from the image's ${service} port ${healthPort} (scripts/image/layout.ts)`);
        const probes: Array<[string, Probe | undefined, string]> = [
          ['readinessProbe', c.readinessProbe as Probe | undefined, '/readyz'],
          ['livenessProbe', c.livenessProbe as Probe | undefined, '/healthz'],
        ];
        for (const [what, probe, path] of probes) {
          if (!probe?.httpGet) {
            out.push(`${cid}: ${what} missing (an httpGet on ${path})`);
            continue;
          }
          if (probe.httpGet.path !== path) out.push(`${cid}: ${what} path ${String(probe.httpGet.path)} is not ${path}`);
          const p = portResolves(c, probe.httpGet.port);
          if (!p) out.push(`${cid}: ${what} port ${String(probe.httpGet.port)} is not a declared container port`);
          else if (p.containerPort !== port) out.push(`${cid}: ${what} port ${p.containerPort} is not the service's port ${port}`);
        }
        const startup = c.startupProbe as Probe | undefined;
        if (startup?.httpGet && !portResolves(c, startup.httpGet.port))
          out.push(`${cid}: startupProbe port ${String(startup.httpGet.port)} is not a declared container port`);

        // Grace: the preStop pause plus the service's own shutdown timeout must fit.
        const grace = Number(pod.terminationGracePeriodSeconds ?? 30);
        const preStop = Number((c.lifecycle as { preStop?: { sleep?: { seconds?: number } } } | undefined)?.preStop?.sleep?.seconds ?? 0);
        const shutdownMs = Number(env.get('SHUTDOWN_TIMEOUT_MS') ?? FLEET[service]?.shutdownMs ?? 0);
        if (grace < preStop + shutdownMs / 1000) {
          out.push(`${cid}: terminationGracePeriodSeconds ${grace} < preStop ${preStop} s + SHUTDOWN_TIMEOUT_MS ${shutdownMs / 1000} s`);
        }
      }

      // Volumes: each mount's volume exists and its Secret/ConfigMap does.
      const mounts = (Array.isArray(c.volumeMounts) ? c.volumeMounts : []) as Array<{ name: string; mountPath: string }>;
      for (const m of mounts) {
        const v = volumes.find((x) => x.name === m.name);
        if (!v) out.push(`${cid}: volumeMount ${m.name} has no volume`);
        else if (v.secret && !secrets.has(v.secret.secretName)) out.push(`${cid}: volume ${v.name}: Secret ${v.secret.secretName} does not exist`);
        else if (v.configMap && !configMaps.has(v.configMap.name)) out.push(`${cid}: volume ${v.name}: ConfigMap ${v.configMap.name} does not exist`);
      }
      // SOURCES_FILE: a file of a mounted Secret or ConfigMap.
      const sourcesFile = env.get('SOURCES_FILE');
      if (sourcesFile) {
        const m = mounts.find((x) => posix.normalize(x.mountPath) === dirname(sourcesFile));
        const v = m && volumes.find((x) => x.name === m.name);
        const data = v?.secret ? secrets.get(v.secret.secretName) : v?.configMap ? configMaps.get(v.configMap.name) : undefined;
        if (!data || !(posix.basename(sourcesFile) in data))
          out.push(`${cid}: SOURCES_FILE ${sourcesFile} is not a key of a Secret or ConfigMap mounted at ${dirname(sourcesFile)}`);
      }
    }
  }

  // Every long-running service has a Deployment; the migration is a Job.
  for (const service of Object.keys(FLEET)) {
    if (!deployments.some((d) => serviceOf.get(d.metadata.name) === service)) out.push(`no Deployment runs SERVICE=${service}`);
  }
  const jobs = byKind(objects, 'Job');
  if (!jobs.some((j) => containersOf(j).some((c) => envValue(c, 'SERVICE') === 'migrate'))) out.push('no Job runs SERVICE=migrate');
  for (const j of jobs) if ((podSpecOf(j) ?? {}).restartPolicy !== 'Never') out.push(`Job/${j.metadata.name}: restartPolicy must be Never (the Job retries)`);

  const deploymentBySelector = (selector: Record<string, string> | undefined) => deployments.filter((d) => matches(selector, podLabels(d)));

  // Services select one Deployment's pods, on ports those pods declare.
  for (const s of byKind(objects, 'Service')) {
    const spec = s.spec as { selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: string | number }> };
    const targets = deploymentBySelector(spec.selector);
    if (targets.length !== 1) {
      out.push(`Service/${s.metadata.name}: selects ${targets.length} Deployments (expected 1)`);
      continue;
    }
    const containers = containersOf(targets[0]!);
    for (const p of spec.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (!containers.some((c) => portResolves(c, target)))
        out.push(`Service/${s.metadata.name}: port ${p.port} targets ${String(target)}, which no container of ${targets[0]!.metadata.name} declares`);
    }
  }

  // A PodDisruptionBudget per Deployment.
  const pdbs = byKind(objects, 'PodDisruptionBudget');
  for (const p of pdbs) {
    const sel = (p.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (deploymentBySelector(sel).length !== 1)
      out.push(`PodDisruptionBudget/${p.metadata.name}: selects ${deploymentBySelector(sel).length} Deployments (expected 1)`);
  }
  for (const d of deployments) {
    if (!pdbs.some((p) => matches((p.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels, podLabels(d)))) {
      out.push(`Deployment/${d.metadata.name}: no PodDisruptionBudget`);
    }
  }

  // Autoscalers: existing targets, one each, of the kind FLEET says; KEDA within the partitions.
  const config = configMaps.get('hookstream-config') ?? {};
  const partitions = Number(config.KAFKA_TOPIC_PARTITIONS ?? 12);
  const scaledBy = new Map<string, string[]>();
  for (const a of [...byKind(objects, 'HorizontalPodAutoscaler'), ...byKind(objects, 'ScaledObject')]) {
    const id = `${a.kind}/${a.metadata.name}`;
    const spec = a.spec as { scaleTargetRef?: { apiVersion?: string; kind?: string; name: string }; minReplicaCount?: number; maxReplicaCount?: number };
    const ref = spec.scaleTargetRef;
    const target = deployments.find((d) => d.metadata.name === ref?.name);
    if (!ref || !target || (ref.kind ?? 'Deployment') !== 'Deployment' || (ref.apiVersion ?? 'apps/v1') !== 'apps/v1') {
      out.push(`${id}: scaleTargetRef ${JSON.stringify(ref)} is not a Deployment here`);
      continue;
    }
    scaledBy.set(target.metadata.name, [...(scaledBy.get(target.metadata.name) ?? []), a.kind]);
    const service = serviceOf.get(target.metadata.name) ?? '';
    if (a.kind === 'HorizontalPodAutoscaler') {
      const cpu = (a.spec as { metrics?: Array<{ type: string; resource?: { name: string } }> }).metrics?.some(
        (m) => m.type === 'Resource' && m.resource?.name === 'cpu',
      );
      if (!cpu) out.push(`${id}: does not scale on CPU`);
      if (!containersOf(target).every((c) => (c.resources as { requests?: { cpu?: string } } | undefined)?.requests?.cpu)) {
        out.push(`${id}: CPU utilisation needs a CPU request on every container of ${target.metadata.name}`);
      }
    } else {
      if ((spec.minReplicaCount ?? 0) < 1) out.push(`${id}: minReplicaCount must be at least 1`);
      if ((spec.maxReplicaCount ?? 100) > partitions)
        out.push(
          `${id}: maxReplicaCount ${spec.maxReplicaCount ?? '100 (KEDA default)'} exceeds the topics' ${partitions} partitions (KAFKA_TOPIC_PARTITIONS)`,
        );
      const expected =
        service === 'dispatcher'
          ? [DISPATCHER_GROUP]
          : service === 'processor'
            ? (config.PROVIDERS ?? 'hubspot').split(',').map((p) => PROVIDER_GROUPS[p.trim()] ?? { group: `<unknown provider ${p}>`, topic: '' })
            : [];
      const want = expected
        .map((g) => `${config[g.group] ?? `<${g.group} not in the ConfigMap>`} on ${config[g.topic] ?? `<${g.topic} not in the ConfigMap>`}`)
        .sort();
      const triggers = triggersOf(a);
      const have = triggers
        .filter((t) => t.type === 'kafka')
        .map((t) => `${t.metadata?.consumerGroup} on ${t.metadata?.topic}`)
        .sort();
      if (JSON.stringify(want) !== JSON.stringify(have))
        out.push(`${id}: kafka triggers cover [${have.join(', ')}], the ${service || 'target'}'s groups are [${want.join(', ')}]`);
      for (const t of triggers) {
        if (t.type !== 'kafka') out.push(`${id}: trigger ${t.name ?? '?'} is ${t.type}, not kafka`);
        else if (t.metadata?.bootstrapServers !== config.KAFKA_BROKERS)
          out.push(`${id}: trigger ${t.name ?? '?'}: bootstrapServers differ from the ConfigMap's KAFKA_BROKERS`);
        else if (t.metadata?.allowIdleConsumers === 'true') out.push(`${id}: trigger ${t.name ?? '?'}: allowIdleConsumers would scale past the partitions`);
        else out.push(...kafkaSecurityMismatch(id, t as Trigger & { authenticationRef?: { name?: string } }, config));
      }
    }
  }
  for (const d of deployments) {
    const service = serviceOf.get(d.metadata.name) ?? '';
    const want = FLEET[service]?.scaler ?? null;
    const have = scaledBy.get(d.metadata.name) ?? [];
    if (have.length > 1) out.push(`Deployment/${d.metadata.name}: scaled by ${have.join(' and ')} at once`);
    if (want !== null && !have.includes(want)) out.push(`Deployment/${d.metadata.name}: ${service} must be scaled by a ${want}`);
    if (want === null && have.length > 0) out.push(`Deployment/${d.metadata.name}: ${service} is not meant to autoscale`);
    if (have.length > 0 && (d.spec as { replicas?: number }).replicas !== undefined) {
      out.push(`Deployment/${d.metadata.name}: sets replicas, which its autoscaler owns (every apply would reset it)`);
    }
  }
  return out;
}

/** The services' KAFKA_SASL_MECHANISM (packages/config/src/managed.ts) → KEDA's kafka `sasl` value. */
export const KEDA_SASL: Record<string, string> = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512' };

/**
 * KEDA reads lag with its own Kafka client, so a trigger must speak to the brokers as the
 * services do: tls when KAFKA_SSL is on, the same SASL mechanism (its credentials from a
 * TriggerAuthentication) when KAFKA_SASL_MECHANISM is set.
 */
function kafkaSecurityMismatch(id: string, t: Trigger & { authenticationRef?: { name?: string } }, config: Record<string, string>): string[] {
  const out: string[] = [];
  const name = `${id}: trigger ${t.name ?? '?'}`;
  const ssl = ['true', '1', 'yes'].includes((config.KAFKA_SSL ?? '').trim());
  const tls = t.metadata?.tls === 'enable';
  if (ssl !== tls) out.push(`${name}: tls ${tls ? 'enabled' : 'not enabled'} but the services' KAFKA_SSL is ${ssl ? 'on' : 'off'}`);
  const mechanism = (config.KAFKA_SASL_MECHANISM ?? '').trim().toLowerCase();
  const sasl = t.metadata?.sasl ?? 'none';
  const want = mechanism === '' ? 'none' : (KEDA_SASL[mechanism] ?? `<unknown mechanism ${mechanism}>`);
  if (sasl !== want) out.push(`${name}: sasl ${sasl} but the services' KAFKA_SASL_MECHANISM means ${want}`);
  if (want !== 'none' && !t.authenticationRef?.name)
    out.push(`${name}: sasl ${want} needs an authenticationRef (a TriggerAuthentication with the username and password)`);
  return out;
}

/** Values of an example Secret that look real: anything but empty or a REPLACE-ME placeholder. */
export function realLookingSecretValues(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const s of byKind(objects, 'Secret')) {
    if (s.data !== undefined) out.push(`Secret/${s.metadata.name}: uses data (base64); examples use stringData so placeholders stay readable`);
    for (const [k, v] of Object.entries((s.stringData ?? {}) as Record<string, string>)) {
      if (k.endsWith('.yaml') || k.endsWith('.json')) {
        // A file: every quoted credential-like value in it must be a placeholder.
        for (const m of v.matchAll(/(?:keys|token|secret):\s*(.+)/g))
          if (!/REPLACE-ME/.test(m[1] ?? '')) out.push(`Secret/${s.metadata.name}: ${k}: ${m[0].trim()}`);
      } else if (v !== '' && !v.includes('REPLACE-ME')) out.push(`Secret/${s.metadata.name}: ${k} is neither empty nor a REPLACE-ME placeholder`);
    }
  }
  return out;
}
