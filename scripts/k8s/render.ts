/**
 * Renders deploy/k8s like `kubectl kustomize` would, for the fields deploy/k8s/kustomization.yaml
 * uses and no others: `resources` (files next to it), `images` (name → newName/newTag/digest) and
 * `namespace`. Any other field is refused rather than silently ignored, so the test never passes
 * on a rendering that differs from the real one. Where kubectl exists, the test also compares
 * this rendering with `kubectl kustomize`'s.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One Kubernetes object as YAML gives it: only apiVersion, kind and metadata.name are assumed. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

export type ImageRule = { name: string; newName?: string; newTag?: string; digest?: string };

export type Kustomization = {
  apiVersion: 'kustomize.config.k8s.io/v1beta1';
  kind: 'Kustomization';
  resources: string[];
  images?: ImageRule[];
  namespace?: string;
};

const KNOWN = new Set(['apiVersion', 'kind', 'resources', 'images', 'namespace']);

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

/** Parses a multi-document YAML file; every document must be a mapping with apiVersion, kind and metadata.name. */
export function parseManifests(text: string, file: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new RenderError(`${file}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
      throw new RenderError(`${file}: every document needs apiVersion and kind`);
    }
    if (!isObject(value.metadata) || typeof value.metadata.name !== 'string' || value.metadata.name === '') {
      throw new RenderError(`${file}: ${value.kind} without metadata.name`);
    }
    out.push(value as K8sObject);
  }
  return out;
}

export function parseKustomization(text: string, file = 'kustomization.yaml'): Kustomization {
  const k = parseManifestsLoose(text, file);
  if (k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    throw new RenderError(`${file}: expected apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`);
  }
  const unknown = Object.keys(k).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new RenderError(`${file}: this renderer does not implement ${unknown.join(', ')} (only ${[...KNOWN].join(', ')})`);
  if (!Array.isArray(k.resources) || !k.resources.every((r) => typeof r === 'string')) throw new RenderError(`${file}: resources must be a list of files`);
  if (k.images !== undefined && !(Array.isArray(k.images) && k.images.every((i) => isObject(i) && typeof i.name === 'string'))) {
    throw new RenderError(`${file}: images must be a list of {name, newName?, newTag?, digest?}`);
  }
  if (k.namespace !== undefined && typeof k.namespace !== 'string') throw new RenderError(`${file}: namespace must be a string`);
  return k as unknown as Kustomization;
}

function parseManifestsLoose(text: string, file: string): Record<string, unknown> {
  const docs = parseAllDocuments(text);
  if (docs.length !== 1 || (docs[0]?.errors.length ?? 0) > 0) throw new RenderError(`${file}: expected one YAML document`);
  const v: unknown = docs[0]?.toJS();
  if (!isObject(v)) throw new RenderError(`${file}: expected a mapping`);
  return v;
}

/** The YAML files of a directory other than the kustomization itself (what `resources` must list). */
export function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
}

/** Reads dir/kustomization.yaml and its resources, and applies images and namespace. */
export function renderDir(dir: string): { kustomization: Kustomization; objects: K8sObject[] } {
  const kustomization = parseKustomization(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  const objects = kustomization.resources.flatMap((file) => {
    if (file.includes('/') || !/\.ya?ml$/.test(file)) throw new RenderError(`resources: ${file}: only YAML files next to kustomization.yaml are supported`);
    return parseManifests(readFileSync(join(dir, file), 'utf8'), file);
  });
  return { kustomization, objects: render(kustomization, objects) };
}

/** The image and namespace transformers, on copies. */
export function render(k: Kustomization, objects: readonly K8sObject[]): K8sObject[] {
  return objects.map((o) => {
    const copy = structuredClone(o);
    if (k.namespace !== undefined && !CLUSTER_SCOPED.has(copy.kind)) copy.metadata.namespace = k.namespace;
    for (const c of containersOf(copy)) c.image = rewriteImage(String(c.image ?? ''), k.images ?? []);
    return copy;
  });
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ClusterTriggerAuthentication']);

/** kustomize's image rule: matches the image's name without tag or digest. */
export function rewriteImage(image: string, rules: readonly ImageRule[]): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const rule = rules.find((r) => r.name === name);
  if (!rule) return image;
  const newName = rule.newName ?? name;
  if (rule.digest) return `${newName}@${rule.digest}`;
  if (rule.newTag) return `${newName}:${rule.newTag}`;
  return `${newName}${image.slice(name.length)}`;
}

export type Container = { name: string; image?: string; [k: string]: unknown };

/** The pod template's spec of a workload (Deployment, Job), or undefined. */
export function podSpecOf(o: K8sObject): Record<string, unknown> | undefined {
  const spec = o.spec;
  if (!isObject(spec) || !isObject(spec.template) || !isObject(spec.template.spec)) return undefined;
  return spec.template.spec;
}

export function containersOf(o: K8sObject): Container[] {
  const pod = podSpecOf(o);
  if (!pod) return [];
  const list = [...(Array.isArray(pod.containers) ? pod.containers : []), ...(Array.isArray(pod.initContainers) ? pod.initContainers : [])];
  return list.filter(isObject) as Container[];
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
