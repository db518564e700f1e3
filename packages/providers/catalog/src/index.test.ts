import { describe, expect, it } from 'vitest';
import type { Provider } from '@hookstream/pipeline';
import { providerRedaction } from './index.js';

describe('providerRedaction', () => {
  it("joins the providers' headers and paths once each, for createLogger", () => {
    const a: Provider = { id: 'a', redact: () => ({ headers: ['x-a', 'x-shared'], paths: ['config.A_SECRET'] }) };
    const b: Provider = { id: 'b', redact: (env) => ({ headers: ['x-shared', `x-${env.B_HEADER ?? 'b'}`] }) };
    const c: Provider = { id: 'c' };
    expect(providerRedaction([a, b, c], { B_HEADER: 'bee' })).toEqual({ redactHeaders: ['x-a', 'x-shared', 'x-bee'], redactPaths: ['config.A_SECRET'] });
    expect(providerRedaction([], {})).toEqual({ redactHeaders: [], redactPaths: [] });
  });
});
