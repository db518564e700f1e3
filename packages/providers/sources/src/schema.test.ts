import { afterEach, describe, expect, it } from 'vitest';
import { TempDir } from './test-support.js';

let tmp: TempDir;
afterEach(() => tmp.remove());

const AUTH = 'auth: { type: api_key, keys: [k1-at-least-16-chars] }';
const TYPES = 'types: { note: { schema: { type: object } } }';
const source = (fields: string) => `sources:\n  - name: alerts\n    ${fields.split('\n').join('\n    ')}\n`;

describe('generic source entries', () => {
  it('reads the documented forms and applies the defaults', () => {
    tmp = new TempDir();
    const [s] = tmp.compile(source(`${AUTH}\neventType: { value: note }\n${TYPES}\ntenant: { path: account_id }\nsubject: { from: header, name: X-Subject }`));
    expect(s).toMatchObject({
      name: 'alerts',
      index: 0,
      maxEvents: 1000,
      eventTypes: ['note'],
      redactedHeaders: ['x-api-key', 'authorization'],
      plan: {
        eventType: { from: 'value', value: 'note' },
        key: { kind: 'content' },
        occurredAt: null,
        tenant: { from: 'body', segments: ['account_id'], pointer: '/account_id' },
        subject: { from: 'header', name: 'x-subject' },
      },
    });
    const [h] = tmp.compile(source(`${AUTH}\neventType: { from: header, name: X-Event }\n${TYPES}\nidempotencyKey: [body.a.b, header.X-Id]`));
    expect(h?.plan.eventType).toEqual({ from: 'header', name: 'x-event' });
    expect(h?.plan.key).toEqual({
      kind: 'fields',
      perRequest: false,
      fields: [
        { from: 'body', segments: ['a', 'b'], pointer: '/a/b' },
        { from: 'header', name: 'x-id' },
      ],
    });
  });

  it('names the source and the field of every mistake, in one line', () => {
    tmp = new TempDir();
    const f = (fields: string) => tmp.failure(source(fields));
    expect(f(`eventType: { value: note }\n${TYPES}`)).toBe('SOURCES_FILE ./sources.yaml: sources[0] "alerts": auth: is required');
    expect(f(`${AUTH}\n${TYPES}`)).toBe('SOURCES_FILE ./sources.yaml: sources[0] "alerts": eventType: is required');
    expect(f(`${AUTH}\neventType: { from: query, path: x }\n${TYPES}`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": eventType.from: from must be body (with path), header (with name) or a fixed value',
    );
    expect(f(`${AUTH}\neventType: { path: "a..b" }\n${TYPES}`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": eventType.path: must be a dot path such as object.id',
    );
    expect(f(`${AUTH}\neventType: { value: other }\n${TYPES}`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": eventType.value: must be one of the declared types (note)',
    );
    expect(f(`${AUTH}\neventType: { value: note }`)).toBe('SOURCES_FILE ./sources.yaml: sources[0] "alerts": types: is required');
    expect(f(`${AUTH}\neventType: { path: t }\ntypes: {}`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": types: must declare at least one event type',
    );
    expect(f(`${AUTH}\neventType: { path: t }\ntypes: { note: { } }`)).toBe('SOURCES_FILE ./sources.yaml: sources[0] "alerts": types.note.schema: is required');
    expect(f(`${AUTH}\neventType: { path: t }\n${TYPES}\nidempotencyKey: [event_id]`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": idempotencyKey.0: must be body.<dot path> or header.<name>',
    );
    expect(f(`${AUTH}\neventType: { path: t }\n${TYPES}\noccurredAt: { from: header }`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": occurredAt.name: is required',
    );
    expect(f(`${AUTH}\neventType: { path: t }\n${TYPES}\nmaxEvents: 0`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": maxEvents: must be at least 1',
    );
    expect(f(`${AUTH}\neventType: { path: t }\n${TYPES}\nmaxevents: 5`)).toBe('SOURCES_FILE ./sources.yaml: sources[0] "alerts": unknown field "maxevents"');
    expect(f(`auth: { type: api_key, keys: [short] }\neventType: { path: t }\n${TYPES}`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "alerts": auth.keys.0: must be at least 16 characters',
    );
  });

  it("leaves other providers' entries alone", () => {
    tmp = new TempDir();
    expect(tmp.compile('sources:\n  - { name: crm-a, provider: crm, anything: [1] }\n')).toEqual([]);
  });
});
