/**
 * Unknown fields. Kubernetes' OpenAPI schemas (and so the validators of kubernetes-models) do not
 * forbid extra properties, so a misspelt field (`readinesProbe`) passes them; the API server
 * refuses it only at apply time (kubectl's strict field validation). The TypeScript interfaces
 * the same packages generate from those schemas list every field, though, and TypeScript's
 * excess-property check on an object literal is exactly "unknown field". So each object is
 * written as a literal typed with its kind's interface into one in-memory file, and the
 * compiler's excess-property diagnostics are the problems.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../image/bundle.js';
import type { K8sObject } from './render.js';

/** apiVersion/kind → [module, interface]. */
const TYPES: Record<string, [string, string]> = {
  'v1/ConfigMap': ['kubernetes-models/v1/ConfigMap', 'IConfigMap'],
  'v1/Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
  'v1/Service': ['kubernetes-models/v1/Service', 'IService'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'batch/v1/Job': ['kubernetes-models/batch/v1/Job', 'IJob'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'],
  'keda.sh/v1alpha1/ScaledObject': ['@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject', 'IScaledObject'],
};

/** TS2353 "Object literal may only specify known properties", TS2561 the same with "Did you mean". */
const EXCESS_PROPERTY = new Set([2353, 2561]);

let previous: ts.Program | undefined;

/** `Kind/name: unknown field <path>` for every property the kind's type does not declare. */
export function unknownFieldErrors(objects: readonly K8sObject[]): string[] {
  const known = objects.filter((o) => TYPES[`${o.apiVersion}/${o.kind}`]);
  if (known.length === 0) return [];
  const used = [...new Set(known.map((o) => TYPES[`${o.apiVersion}/${o.kind}`]!))];
  const lines = used.map(([mod, name]) => `import type { ${name} } from '${mod}';`);
  const owner: number[] = lines.map(() => -1);
  known.forEach((o, i) => {
    const [, name] = TYPES[`${o.apiVersion}/${o.kind}`]!;
    // One property per line, so a diagnostic's line names the object it belongs to.
    const body = JSON.stringify(o, null, 1).split('\n');
    body[0] = `export const o${i}: ${name} = ${body[0]}`;
    body[body.length - 1] += ';';
    for (const l of body) {
      lines.push(l);
      owner.push(i);
    }
  });
  const fileName = join(ROOT, 'scripts/k8s/__manifests__.ts');
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // The interfaces need little more than Array and Record: the smallest lib keeps this fast.
    lib: ['lib.es5.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (name === fileName ? ts.createSourceFile(name, text, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  // The declaration files are the same every call: reusing the last program skips parsing them again.
  const program = ts.createProgram({ rootNames: [fileName], options, host, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const source = program.getSourceFile(fileName)!;
  const out: string[] = [];
  for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    const line = d.start === undefined ? -1 : source.getLineAndCharacterOfPosition(d.start).line;
    const o = known[owner[line] ?? -1];
    const id = o ? `${o.kind}/${o.metadata.name}` : 'manifests';
    if (EXCESS_PROPERTY.has(d.code)) {
      const field = /'"?([^'"]+)"?' does not exist/.exec(message)?.[1] ?? '?';
      out.push(`${id}: unknown field ${field} (${message.replace(/\s+/g, ' ')})`);
    } else if (d.category === ts.DiagnosticCategory.Error && (d.code === 2307 || d.code === 1005)) {
      // A type module that did not resolve, or a literal that did not parse: the check itself is broken.
      out.push(`${id}: cannot check fields: ${message}`);
    }
  }
  return out;
}
