import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { escapePointerToken } from '@hookstream/pipeline';
import type { ErrorSink } from './error-sink.js';

/**
 * One Ajv per source, so `$id`s of different sources never clash. Strict about the schema
 * (a misspelt keyword fails at start-up, not silently at run time) but not about the data:
 * events are validated as received, never coerced, defaulted or stripped.
 */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    // Ajv warns through console by default; problems surface as compile errors instead.
    logger: false,
  });
  // CommonJS default export: under NodeNext the plugin function is the module's `default`.
  formats.default(ajv);
  return ajv;
}

/** Ajv's errors with pointers that start at the event's place in the body. */
export function addAjvErrors(errors: readonly ErrorObject[], eventPointer: string, out: ErrorSink): void {
  for (const e of errors) {
    const at = eventPointer + e.instancePath;
    switch (e.keyword) {
      // Point at the field itself rather than at the object that lacks it.
      case 'required':
      case 'dependentRequired':
        out.add(`${at}/${escapePointerToken(String(e.params.missingProperty))}`, 'is required');
        break;
      case 'additionalProperties':
        out.add(`${at}/${escapePointerToken(String(e.params.additionalProperty))}`, 'is not allowed');
        break;
      case 'unevaluatedProperties':
        out.add(`${at}/${escapePointerToken(String(e.params.unevaluatedProperty))}`, 'is not allowed');
        break;
      default:
        out.add(at, e.message ?? `fails ${e.keyword}`);
    }
  }
}
