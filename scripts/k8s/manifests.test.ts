import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCrmSources } from '@hookstream/crm';
import { loadLocationSources } from '@hookstream/location';
import { loadSourcesFile } from '@hookstream/pipeline';
import { compileSources } from '@hookstream/sources';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../image/bundle.js';
import { containersOf, manifestFiles, parseKustomization, parseManifests, render, renderDir, RenderError, rewriteImage, type K8sObject } from './render.js';
import { unknownFieldErrors } from './fields.js';
import { crossCheck, realLookingSecretValues, schemaErrors } from './validate.js';

const DIR = join(ROOT, 'deploy/k8s');
const { kustomization, objects } = renderDir(DIR);
const image = kustomization.images?.[0];
const IMAGE_REF = `${image?.newName}:${image?.newTag}`;

const find = (os: readonly K8sObject[], kind: string, name: string): K8sObject => {
  const o = os.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not rendered`);
  return o;
};
/** A copy of the rendered set, changed by `edit`, and the problems crossCheck finds in it. */
const problemsAfter = (edit: (os: K8sObject[]) => void): string => {
  const copy = structuredClone(objects);
  edit(copy);
  return crossCheck(copy, { imageRef: IMAGE_REF }).join('\n');
};
type C = { env: Array<{ name: string; value?: string; valueFrom?: Record<string, { name: string; key: string }> }>; [k: string]: unknown };
const container = (os: K8sObject[], deployment: string): C => containersOf(find(os, 'Deployment', deployment))[0] as unknown as C;
const spec = (o: K8sObject) => o.spec as Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('deploy/k8s renders like kustomize', () => {
  it('lists exactly the YAML files of the directory, each once', () => {
    expect([...kustomization.resources].sort()).toEqual(manifestFiles(DIR));
    expect(new Set(kustomization.resources).size).toBe(kustomization.resources.length);
  });

  it('renders every service, the migration, their config, Services, budgets and autoscalers', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual([
      'ConfigMap/hookstream-config',
      'Deployment/hookstream-dispatcher',
      'Deployment/hookstream-edge',
      'Deployment/hookstream-events-api',
      'Deployment/hookstream-processor',
      'HorizontalPodAutoscaler/hookstream-edge',
      'Job/hookstream-migrate',
      'PodDisruptionBudget/hookstream-dispatcher',
      'PodDisruptionBudget/hookstream-edge',
      'PodDisruptionBudget/hookstream-events-api',
      'PodDisruptionBudget/hookstream-processor',
      'ScaledObject/hookstream-dispatcher',
      'ScaledObject/hookstream-processor',
      'Secret/hookstream-secrets',
      'Secret/hookstream-sources',
      'Service/hookstream-dispatcher',
      'Service/hookstream-edge',
      'Service/hookstream-events-api',
      'Service/hookstream-processor',
    ]);
    // Namespace-agnostic: `kubectl apply -k … -n <ns>` or the kustomization's namespace decides.
    expect(objects.every((o) => o.metadata.namespace === undefined)).toBe(true);
    expect(render({ ...kustomization, namespace: 'hookstream' }, objects).every((o) => o.metadata.namespace === 'hookstream')).toBe(true);
  });

  it("applies the images rule like kustomize's image transformer", () => {
    expect(objects.flatMap(containersOf).map((c) => c.image)).toEqual(Array(5).fill(IMAGE_REF));
    const rules = [{ name: 'hookstream', newName: 'r.io/h', newTag: 'v1' }];
    expect(rewriteImage('hookstream', rules)).toBe('r.io/h:v1');
    expect(rewriteImage('hookstream:old', rules)).toBe('r.io/h:v1');
    expect(rewriteImage('hookstream:old', [{ name: 'hookstream', newName: 'r.io/h' }])).toBe('r.io/h:old');
    expect(rewriteImage('hookstream', [{ name: 'hookstream', digest: 'sha256:ab' }])).toBe('hookstream@sha256:ab');
    expect(rewriteImage('other:1', rules)).toBe('other:1');
    expect(rewriteImage('localhost:5000/hookstream', rules)).toBe('localhost:5000/hookstream');
  });

  it('refuses kustomization fields it does not implement, and malformed manifests', () => {
    const head = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n';
    expect(() => parseKustomization(`${head}patches: []\n`)).toThrow(/does not implement patches/);
    expect(() => parseKustomization(`${head}commonLabels: { a: b }\n`)).toThrow(RenderError);
    expect(() => parseKustomization('apiVersion: v1\nkind: Kustomization\nresources: []\n')).toThrow(/expected apiVersion/);
    expect(() => parseManifests('kind: ConfigMap\nmetadata: { name: x }\n', 'x.yaml')).toThrow(/apiVersion and kind/);
    expect(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', 'x.yaml')).toThrow(/without metadata.name/);
    expect(() => parseManifests('a: [\n', 'x.yaml')).toThrow(/x.yaml/);
  });

  // Where kubectl (with its built-in kustomize) is installed, the real renderer must agree.
  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!kubectl)('renders the same objects as `kubectl kustomize` (where kubectl exists)', () => {
    const text = execFileSync('kubectl', ['kustomize', DIR], { encoding: 'utf8', timeout: 30_000 });
    const theirs = parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const sorted = (os: K8sObject[]) => [...os].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(theirs)).toEqual(sorted(objects));
  });
});

describe('every object is valid against its schema', () => {
  it.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))('%s', (_id, o) => {
    expect(schemaErrors(o)).toEqual([]);
  });

  it('the schemas are real checks: types, required fields, enums, unknown kinds, KEDA fields and kafka metadata', () => {
    const edit = (kind: string, name: string, change: (o: K8sObject) => void): string => {
      const o = structuredClone(find(objects, kind, name));
      change(o);
      return schemaErrors(o).join('\n');
    };
    expect(edit('Deployment', 'hookstream-edge', (o) => (spec(o).template.spec.containers[0].ports[0].containerPort = '8080'))).toMatch(
      /containerPort must be integer/,
    );
    expect(edit('Deployment', 'hookstream-edge', (o) => delete spec(o).selector)).toMatch(/must have required property '?selector'?/);
    // Kubernetes' OpenAPI has types and required fields, not ranges: port -1 passes the schema (the API server's own validation refuses it).
    expect(edit('Service', 'hookstream-edge', (o) => (spec(o).ports[0].port = 'eighty'))).toMatch(/port must be integer/);
    expect(edit('HorizontalPodAutoscaler', 'hookstream-edge', (o) => delete spec(o).maxReplicas)).toMatch(/maxReplicas/);
    expect(edit('PodDisruptionBudget', 'hookstream-edge', (o) => (spec(o).selector = 'app=edge'))).toMatch(/selector must be object/);
    expect(edit('Job', 'hookstream-migrate', (o) => (spec(o).backoffLimit = 'four'))).toMatch(/backoffLimit must be integer/);
    expect(edit('ConfigMap', 'hookstream-config', (o) => ((o.data as Record<string, unknown>).KAFKA_TOPIC_PARTITIONS = 12))).toMatch(/must be string/);
    expect(edit('ScaledObject', 'hookstream-processor', (o) => (spec(o).maxReplicaCount = '12'))).toMatch(/maxReplicaCount must be integer/);
    expect(edit('ScaledObject', 'hookstream-processor', (o) => delete spec(o).scaleTargetRef)).toMatch(/scaleTargetRef/);
    expect(edit('ScaledObject', 'hookstream-processor', (o) => delete spec(o).triggers[0].type)).toMatch(/type/);
    expect(edit('ScaledObject', 'hookstream-processor', (o) => (spec(o).triggers[0].metadata.lagThreshold = 1000))).toMatch(/must be string/);
    expect(edit('ScaledObject', 'hookstream-processor', (o) => delete spec(o).triggers[0].metadata.consumerGroup)).toMatch(
      /must have required property '?consumerGroup'?/,
    );
    expect(edit('ScaledObject', 'hookstream-processor', (o) => (spec(o).triggers[0].metadata.lagTreshold = '5'))).toMatch(
      /must NOT have additional properties/,
    );
    expect(edit('ScaledObject', 'hookstream-processor', (o) => (spec(o).triggers[0].metadata.offsetResetPolicy = 'oldest'))).toMatch(/allowed values/);
    expect(edit('Deployment', 'hookstream-edge', (o) => (o.apiVersion = 'apps/v1beta1'))).toMatch(/no schema for apps\/v1beta1 Deployment/);
    expect(edit('Deployment', 'hookstream-edge', (o) => (o.metadata.name = 'Hookstream_Edge'))).toMatch(/DNS subdomain/);
  });
});

describe('no object has a field its kind does not declare', () => {
  it("no unknown fields (the kinds' TypeScript interfaces, generated from the same schemas)", () => {
    expect(unknownFieldErrors(objects)).toEqual([]);
  }, 60_000);

  it('finds misspelt and misplaced fields, which the OpenAPI schemas let through', () => {
    const broken = structuredClone(objects);
    const edge = container(broken, 'hookstream-edge');
    edge.readinesProbe = edge.readinessProbe;
    delete edge.readinessProbe;
    spec(find(broken, 'ScaledObject', 'hookstream-processor')).maxReplicas = 12;
    spec(find(broken, 'HorizontalPodAutoscaler', 'hookstream-edge')).metrics[0].resource.target.averageUtilisation = 70;
    spec(find(broken, 'Service', 'hookstream-edge')).ports[0].targetport = 'http';
    // The OpenAPI validators accept all four.
    expect(broken.flatMap(schemaErrors)).toEqual([]);
    const errors = unknownFieldErrors(broken).join('\n');
    expect(errors).toMatch(/Deployment\/hookstream-edge: unknown field readinesProbe/);
    expect(errors).toMatch(/ScaledObject\/hookstream-processor: unknown field maxReplicas/);
    expect(errors).toMatch(/HorizontalPodAutoscaler\/hookstream-edge: unknown field averageUtilisation/);
    expect(errors).toMatch(/Service\/hookstream-edge: unknown field targetport/);
    expect(unknownFieldErrors(broken)).toHaveLength(4);
  }, 60_000);
});

describe('the objects fit together', () => {
  it('has no dangling reference or mismatch', () => {
    expect(crossCheck(objects, { imageRef: IMAGE_REF })).toEqual([]);
  });

  it('the example Secrets hold placeholders only', () => {
    expect(realLookingSecretValues(objects)).toEqual([]);
    const leaked = structuredClone(objects);
    (find(leaked, 'Secret', 'hookstream-secrets').stringData as Record<string, string>).HUBSPOT_CLIENT_SECRET = 'a1b2c3d4-real';
    const sources = find(leaked, 'Secret', 'hookstream-sources').stringData as Record<string, string>;
    sources['sources.yaml'] = sources['sources.yaml']!.replace("keys: ['REPLACE-ME-crm-key']", "keys: ['prod-crm-key']");
    const found = realLookingSecretValues(leaked).join('\n');
    expect(found).toMatch(/HUBSPOT_CLIENT_SECRET is neither empty nor a REPLACE-ME placeholder/);
    expect(found).toMatch(/prod-crm-key/);
  });

  it("the example sources file is valid for every provider that reads it (the services' own loaders)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookstream-k8s-sources-'));
    try {
      const path = join(dir, 'sources.yaml');
      writeFileSync(path, (find(objects, 'Secret', 'hookstream-sources').stringData as Record<string, string>)['sources.yaml']!);
      const file = loadSourcesFile(path);
      expect(compileSources(file).map((s) => s.name)).toEqual(['notifications']);
      expect(loadCrmSources(file).map((s) => s.name)).toEqual(['crm']);
      expect(loadLocationSources(file).map((s) => s.name)).toEqual(['radar']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the ScaledObjects follow the consumer groups and topics of the ConfigMap, and the processor every provider of PROVIDERS', () => {
    const config = find(objects, 'ConfigMap', 'hookstream-config').data as Record<string, string>;
    const processor = spec(find(objects, 'ScaledObject', 'hookstream-processor'));
    expect(processor.triggers.map((t: { name: string }) => t.name)).toEqual(config.PROVIDERS!.split(','));
    expect(processor.maxReplicaCount).toBe(Number(config.KAFKA_TOPIC_PARTITIONS));
    expect(spec(find(objects, 'ScaledObject', 'hookstream-dispatcher')).triggers[0].metadata).toMatchObject({
      consumerGroup: 'hookstream-dispatcher',
      topic: 'hookstream.deliveries',
    });
  });

  // Each check above must be able to fail: one synthetic break per check.
  const cases: Array<[string, (os: K8sObject[]) => void, RegExp]> = [
    [
      'a Service selecting no Deployment',
      (os) => (spec(find(os, 'Service', 'hookstream-edge')).selector['app.kubernetes.io/component'] = 'edg'),
      /Service\/hookstream-edge: selects 0 Deployments/,
    ],
    [
      'a Service port no container declares',
      (os) => (spec(find(os, 'Service', 'hookstream-edge')).ports[0].targetPort = 'web'),
      /targets web, which no container/,
    ],
    [
      'a Deployment selector that misses its pods',
      (os) => (spec(find(os, 'Deployment', 'hookstream-edge')).selector.matchLabels.extra = 'x'),
      /spec.selector does not match/,
    ],
    [
      'a probe on an undeclared port',
      (os) => (container(os, 'hookstream-processor').readinessProbe = { httpGet: { path: '/readyz', port: 'metrics' } }),
      /readinessProbe port metrics is not a declared/,
    ],
    [
      'a probe on the wrong path',
      (os) => (container(os, 'hookstream-edge').livenessProbe = { httpGet: { path: '/readyz', port: 'http' } }),
      /livenessProbe path \/readyz is not \/healthz/,
    ],
    ['a missing readiness probe', (os) => delete container(os, 'hookstream-dispatcher').readinessProbe, /readinessProbe missing/],
    [
      'PORT not declared as a containerPort',
      (os) => (container(os, 'hookstream-events-api').env.find((e) => e.name === 'PORT')!.value = '9999'),
      /listens on 9999 \(PORT\)/,
    ],
    [
      'a Secret key that does not exist',
      (os) => (container(os, 'hookstream-edge').env.find((e) => e.name === 'HUBSPOT_CLIENT_SECRET')!.valueFrom!.secretKeyRef!.key = 'HUBSPOT_SECRET'),
      /Secret hookstream-secrets has no key HUBSPOT_SECRET/,
    ],
    [
      'a ConfigMap key that does not exist',
      (os) => {
        const env = containersOf(find(os, 'Job', 'hookstream-migrate'))[0]!.env as C['env'];
        env.find((e) => e.name === 'LOG_LEVEL')!.valueFrom!.configMapKeyRef!.key = 'LOGLEVEL';
      },
      /ConfigMap hookstream-config has no key LOGLEVEL/,
    ],
    [
      'an envFrom ConfigMap that does not exist',
      (os) => ((container(os, 'hookstream-edge').envFrom as Array<{ configMapRef: { name: string } }>)[0]!.configMapRef.name = 'hookstream-cfg'),
      /envFrom ConfigMap hookstream-cfg does not exist/,
    ],
    [
      'SOURCES_FILE not in the mounted Secret',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).SOURCES_FILE = '/etc/hookstream/sources/sources.yml'),
      /SOURCES_FILE \/etc\/hookstream\/sources\/sources.yml is not a key/,
    ],
    [
      'a SERVICE the image does not run',
      (os) => (container(os, 'hookstream-processor').env.find((e) => e.name === 'SERVICE')!.value = 'worker'),
      /SERVICE "worker" is not one the image runs/,
    ],
    [
      'a PORT other than the image default',
      (os) => {
        const c = container(os, 'hookstream-dispatcher');
        c.env.find((e) => e.name === 'PORT')!.value = '9201';
        (c.ports as Array<{ containerPort: number }>)[0]!.containerPort = 9201;
      },
      /PORT 9201 differs from the image's dispatcher port 9200/,
    ],
    [
      'a grace period shorter than the shutdown',
      (os) => (spec(find(os, 'Deployment', 'hookstream-edge')).template.spec.terminationGracePeriodSeconds = 20),
      /terminationGracePeriodSeconds 20 < preStop 5 s \+ SHUTDOWN_TIMEOUT_MS 20 s/,
    ],
    ['a root pod', (os) => delete spec(find(os, 'Deployment', 'hookstream-edge')).template.spec.securityContext.runAsUser, /numeric non-zero runAsUser/],
    ['an image not rewritten', (os) => (container(os, 'hookstream-edge').image = 'hookstream:local'), /image hookstream:local is not/],
    [
      'a Deployment without a budget',
      (os) => os.splice(os.indexOf(find(os, 'PodDisruptionBudget', 'hookstream-events-api')), 1),
      /Deployment\/hookstream-events-api: no PodDisruptionBudget/,
    ],
    [
      'a budget selecting nothing',
      (os) => (spec(find(os, 'PodDisruptionBudget', 'hookstream-dispatcher')).selector.matchLabels['app.kubernetes.io/component'] = 'x'),
      /PodDisruptionBudget\/hookstream-dispatcher: selects 0/,
    ],
    [
      'a missing service Deployment',
      (os) => os.splice(os.indexOf(find(os, 'Deployment', 'hookstream-events-api')), 1),
      /no Deployment runs SERVICE=events-api/,
    ],
    ['no migration Job', (os) => os.splice(os.indexOf(find(os, 'Job', 'hookstream-migrate')), 1), /no Job runs SERVICE=migrate/],
    [
      'an HPA on another Deployment',
      (os) => (spec(find(os, 'HorizontalPodAutoscaler', 'hookstream-edge')).scaleTargetRef.name = 'hookstream-events-api'),
      /hookstream-edge: edge must be scaled by a HorizontalPodAutoscaler[\s\S]*events-api is not meant to autoscale/,
    ],
    [
      'an HPA on a missing Deployment',
      (os) => (spec(find(os, 'HorizontalPodAutoscaler', 'hookstream-edge')).scaleTargetRef.name = 'edge'),
      /HorizontalPodAutoscaler\/hookstream-edge: scaleTargetRef .* is not a Deployment here/,
    ],
    [
      'CPU scaling without CPU requests',
      (os) => delete (container(os, 'hookstream-edge').resources as { requests: Record<string, string> }).requests.cpu,
      /needs a CPU request/,
    ],
    [
      'a ScaledObject on a missing Deployment',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-dispatcher')).scaleTargetRef.name = 'dispatcher'),
      /ScaledObject\/hookstream-dispatcher: scaleTargetRef/,
    ],
    [
      'more replicas than partitions',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-processor')).maxReplicaCount = 13),
      /maxReplicaCount 13 exceeds the topics' 12 partitions/,
    ],
    [
      'fewer partitions than replicas',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).KAFKA_TOPIC_PARTITIONS = '6'),
      /ScaledObject\/hookstream-dispatcher: maxReplicaCount 12 exceeds the topics' 6 partitions/,
    ],
    [
      'no maxReplicaCount (KEDA default 100)',
      (os) => delete spec(find(os, 'ScaledObject', 'hookstream-dispatcher')).maxReplicaCount,
      /100 \(KEDA default\) exceeds/,
    ],
    ['minReplicaCount 0', (os) => (spec(find(os, 'ScaledObject', 'hookstream-processor')).minReplicaCount = 0), /minReplicaCount must be at least 1/],
    [
      'a group missing a trigger',
      (os) => spec(find(os, 'ScaledObject', 'hookstream-processor')).triggers.pop(),
      /kafka triggers cover .*, the processor's groups are .*hookstream-processor-location on location.events/,
    ],
    [
      'a provider added without its trigger',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).PROVIDERS = 'hubspot,sources,crm,location,shop'),
      /unknown provider shop/,
    ],
    [
      'a trigger on the wrong topic',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-dispatcher')).triggers[0].metadata.topic = 'deliveries'),
      /cover \[hookstream-dispatcher on deliveries\]/,
    ],
    [
      'a group renamed in the ConfigMap only',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).CRM_KAFKA_GROUP_ID = 'crm'),
      /groups are \[.*crm on crm.events/,
    ],
    [
      'other brokers than the services use',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-processor')).triggers[1].metadata.bootstrapServers = 'kafka:9092'),
      /trigger sources: bootstrapServers differ/,
    ],
    [
      'idle consumers allowed',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-dispatcher')).triggers[0].metadata.allowIdleConsumers = 'true'),
      /allowIdleConsumers would scale past the partitions/,
    ],
    [
      'KAFKA_SSL on, the triggers without tls',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).KAFKA_SSL = 'true'),
      /trigger deliveries: tls not enabled but the services' KAFKA_SSL is on/,
    ],
    [
      'a trigger with tls the services do not use',
      (os) => (spec(find(os, 'ScaledObject', 'hookstream-processor')).triggers[0].metadata.tls = 'enable'),
      /trigger hubspot: tls enabled but the services' KAFKA_SSL is off/,
    ],
    [
      'SASL for the services, not for KEDA',
      (os) => ((find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).KAFKA_SASL_MECHANISM = 'SCRAM-SHA-512'),
      /trigger crm: sasl none but the services' KAFKA_SASL_MECHANISM means scram_sha512/,
    ],
    [
      'SASL without credentials for KEDA',
      (os) => {
        (find(os, 'ConfigMap', 'hookstream-config').data as Record<string, string>).KAFKA_SASL_MECHANISM = 'plain';
        spec(find(os, 'ScaledObject', 'hookstream-dispatcher')).triggers[0].metadata.sasl = 'plaintext';
      },
      /trigger deliveries: sasl plaintext needs an authenticationRef/,
    ],
    [
      'two autoscalers on one Deployment',
      (os) => (spec(find(os, 'HorizontalPodAutoscaler', 'hookstream-edge')).scaleTargetRef.name = 'hookstream-processor'),
      /hookstream-processor: scaled by ScaledObject and HorizontalPodAutoscaler at once|scaled by HorizontalPodAutoscaler and ScaledObject at once/,
    ],
    [
      'replicas on an autoscaled Deployment',
      (os) => (spec(find(os, 'Deployment', 'hookstream-processor')).replicas = 2),
      /sets replicas, which its autoscaler owns/,
    ],
    ['a duplicate object', (os) => os.push(structuredClone(find(os, 'Service', 'hookstream-edge'))), /Service\/hookstream-edge: defined twice/],
  ];
  it.each(cases)('finds %s', (_what, edit, expected) => {
    expect(problemsAfter(edit)).toMatch(expected);
  });
});

describe('docs/kubernetes.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/kubernetes.md'), 'utf8');
  it('names every file of deploy/k8s and how to apply them', () => {
    for (const f of ['kustomization.yaml', ...manifestFiles(DIR)]) expect(doc).toContain(f);
    expect(doc).toContain('kubectl apply -k deploy/k8s');
  });
});
