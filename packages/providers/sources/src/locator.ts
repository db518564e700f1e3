import { readHeader, toPointer, type HeaderMap } from '@hookstream/pipeline';

/** A body path split once at start-up, with the JSON pointer used in error messages. */
export interface BodyField {
  from: 'body';
  segments: readonly string[];
  /** e.g. `/object/id`, appended to the event's own pointer. */
  pointer: string;
}

export interface HeaderField {
  from: 'header';
  name: string;
}

export type Field = BodyField | HeaderField;

export function bodyField(path: string): BodyField {
  const segments = path.split('.');
  return { from: 'body', segments, pointer: toPointer(segments) };
}

export function compileField(loc: { from: 'body'; path: string } | { from: 'header'; name: string }): Field {
  return loc.from === 'body' ? bodyField(loc.path) : { from: 'header', name: loc.name };
}

const INDEX = /^(0|[1-9]\d*)$/;

/**
 * The value at a dot path, or undefined. Only own properties are followed, so a path such as
 * `constructor.name` or `__proto__` can never reach into prototypes.
 */
export function readBody(event: unknown, segments: readonly string[]): unknown {
  let cur: unknown = event;
  for (const seg of segments) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    if (Array.isArray(cur)) {
      if (!INDEX.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}

/** A header's single value; repeated headers count as absent-with-reason. */
export function readHeaderValue(headers: HeaderMap, name: string): { ok: true; value: string } | { ok: false; message: string } {
  const h = readHeader(headers, name);
  if (h.kind === 'one') return { ok: true, value: h.value };
  return { ok: false, message: h.kind === 'many' ? `header ${name} is repeated` : `header ${name} is missing` };
}
