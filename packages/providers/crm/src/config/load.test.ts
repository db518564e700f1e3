import { afterEach, describe, expect, it } from 'vitest';
import { TempSources } from '../test-support.js';
import { DEFAULT_RULES } from './rules.js';
import { DEFAULT_STAGES } from './stages.js';

let tmp: TempSources;
afterEach(() => tmp?.remove());

const AUTH = '{ type: api_key, header: x-api-key, keys: [dev-crm-key-0001] }';
const entry = (extra = '', name = 'crm') => `  - name: ${name}\n    provider: crm\n    auth: ${AUTH}\n${extra}`;

function load(yaml: string) {
  tmp = new TempSources();
  return tmp.load(yaml);
}
function failure(yaml: string) {
  tmp = new TempSources();
  return tmp.failure(yaml);
}

describe('loadCrmSources', () => {
  it('reads only provider: crm entries, with the reference system’s stages and rules by default', () => {
    const [crm, ...rest] = load(`sources:\n  - { name: alerts, auth: { type: none } }\n${entry()}`);
    expect(rest).toEqual([]);
    expect(crm).toMatchObject({ name: 'crm', index: 1, auth: { type: 'api_key', header: 'x-api-key', keys: ['dev-crm-key-0001'] } });
    expect(crm?.stages).toEqual(DEFAULT_STAGES);
    expect(crm?.rules).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES).toEqual([
      { status: 'Qualified', actions: [{ type: 'meta_capi', eventName: 'Lead', withValue: false }] },
      { status: 'Committed', actions: [{ type: 'meta_capi', eventName: 'Purchase', withValue: true }, { type: 'brevo' }] },
    ]);
    expect(crm?.ranks.get('Committed')).toBe(5);
  });

  it('reads several entries, each with its own keys, stages and rules (defaults filled in)', () => {
    const sources = load(`sources:
${entry()}
${entry(
  `    stages: [Lead, Won]
    rules:
      - status: Won
        actions:
          - { type: meta_capi, eventName: Purchase }
          - { type: brevo, templateId: 12, subject: Your new office }
      - status: Lost
        actions: [{ type: meta_capi, eventName: Deal Lost }]
`,
  'crm-eu',
)}`);
    expect(sources.map((s) => s.name)).toEqual(['crm', 'crm-eu']);
    expect(sources[1]?.stages).toEqual(['Lead', 'Won']);
    expect(sources[1]?.rules).toEqual([
      {
        status: 'Won',
        actions: [
          { type: 'meta_capi', eventName: 'Purchase', withValue: false },
          { type: 'brevo', templateId: 12, subject: 'Your new office' },
        ],
      },
      { status: 'Lost', actions: [{ type: 'meta_capi', eventName: 'Deal Lost', withValue: false }] },
    ]);
    // An empty list is allowed: a source whose deals trigger nothing.
    expect(load(`sources:\n${entry('    rules: []\n')}`)[0]?.rules).toEqual([]);
  });

  it.each([
    ['a missing auth', '', 'sources[0] "crm": auth: is required', true],
    ['a short key', '    auth: { type: api_key, keys: [short] }\n', 'auth.keys.0: must be at least 16 characters', true],
    ['an unknown field', '    rule: []\n', 'unknown field "rule"'],
    ['rules not a list', '    rules: { Qualified: Lead }\n', 'rules: expected a list of rules'],
    ['a rule without actions', '    rules: [{ status: Qualified, actions: [] }]\n', 'rules.0.actions: must list at least one action'],
    ['a rule without status', '    rules: [{ actions: [{ type: brevo }] }]\n', 'rules.0.status: is required'],
    ['a status with a colon', '    rules: [{ status: "Won:big", actions: [{ type: brevo }] }]\n', 'rules.0.status: must be 1-64 characters without ":"'],
    ['an unknown action', '    rules: [{ status: Won, actions: [{ type: slack }] }]\n', 'rules.0.actions.0.type: must be meta_capi or brevo'],
    ['an action without type', '    rules: [{ status: Won, actions: [{ eventName: Lead }] }]\n', 'rules.0.actions.0.type: is required'],
    ['an action that is no mapping', '    rules: [{ status: Won, actions: [brevo] }]\n', 'rules.0.actions.0: expected a mapping with a type'],
    ['a Meta action without event', '    rules: [{ status: Won, actions: [{ type: meta_capi }] }]\n', 'rules.0.actions.0.eventName: is required'],
    ['a bad Meta event name', '    rules: [{ status: Won, actions: [{ type: meta_capi, eventName: "Lead!" }] }]\n', 'eventName: must be a Meta event name'],
    [
      'withValue not a boolean',
      '    rules: [{ status: Won, actions: [{ type: meta_capi, eventName: Lead, withValue: "yes" }] }]\n',
      'withValue: expected true or false',
    ],
    ['a bad template id', '    rules: [{ status: Won, actions: [{ type: brevo, templateId: 1.5 }] }]\n', 'templateId: must be a whole number'],
    ['a misspelt action field', '    rules: [{ status: Won, actions: [{ type: brevo, template: 3 }] }]\n', 'rules.0.actions.0: unknown field "template"'],
    [
      'two rules for one status',
      '    rules: [{ status: Won, actions: [{ type: brevo }] }, { status: Won, actions: [{ type: brevo }] }]\n',
      'rules.1.status: "Won" already has rules.0',
    ],
    [
      'an action type twice',
      '    rules: [{ status: Won, actions: [{ type: brevo }, { type: brevo, templateId: 2 }] }]\n',
      'rules.0.actions.1.type: brevo is listed twice for Won',
    ],
    ['an empty stage list', '    stages: []\n', 'stages: must list at least one status'],
    ['a repeated stage', '    stages: [New, Won, New]\n', 'stages.2: "New" is already stages.0'],
  ])('refuses %s in one line naming the file, the entry and the field', (_what, extra, message, replaceAuth = false) => {
    const text = replaceAuth ? `sources:\n  - name: crm\n    provider: crm\n${extra}` : `sources:\n${entry(extra)}`;
    const line = failure(text);
    expect(line).toMatch(/^SOURCES_FILE \.\/sources\.yaml: sources\[0\] "crm": /);
    expect(line).toContain(message);
    expect(line).not.toContain('\n');
  });

  it('refuses two actions whose endpoint ids would collide once the names are sanitised', () => {
    const line = failure(`sources:
${entry(`    rules:
      - { status: Closed Won, actions: [{ type: brevo }] }
      - { status: closed_won, actions: [{ type: brevo }] }
`)}`);
    expect(line).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "crm": rules.1: brevo action has the endpoint id ep_crm_crm_closed_won_brevo, as sources[0] "crm": rules.0 (brevo) has',
    );
  });
});
