import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, createStateSigner } from './authorize.js';
import { OAuthStateError } from './errors.js';

describe('authorize URL', () => {
  it('encodes scopes with %20 like HubSpot’s SDK and carries the state', () => {
    const url = buildAuthorizeUrl({
      clientId: 'cid',
      redirectUri: 'https://x.example/oauth/callback',
      scopes: ['oauth', 'crm.objects.contacts.read'],
      optionalScopes: ['tickets'],
      state: 'abc.def',
    });
    expect(url).toBe(
      'https://app.hubspot.com/oauth/authorize?client_id=cid&redirect_uri=https%3A%2F%2Fx.example%2Foauth%2Fcallback&scope=oauth%20crm.objects.contacts.read&optional_scope=tickets&state=abc.def',
    );
    expect(buildAuthorizeUrl({ clientId: 'c', redirectUri: 'r', scopes: ['a'], state: 's' })).not.toContain('optional_scope');
  });
});

describe('OAuth state', () => {
  let t = 1_000_000;
  const signer = createStateSigner({ secret: 'client-secret', now: () => t, ttlMs: 60_000 });

  it('accepts its own unexpired state with the matching cookie nonce', () => {
    const { state, nonce } = signer.issue();
    expect(() => signer.verify(state, nonce)).not.toThrow();
  });

  it('refuses forged, foreign, expired and unbound states', () => {
    const { state, nonce } = signer.issue();
    const other = createStateSigner({ secret: 'another-secret', now: () => t });
    const foreign = other.issue();
    expect(() => signer.verify(foreign.state, foreign.nonce)).toThrowError(/not issued by this app/);
    const [payload] = state.split('.');
    expect(() => signer.verify(`${payload}.AAAA`, nonce)).toThrowError(OAuthStateError);
    expect(() => signer.verify(state, undefined)).toThrowError(/another browser/);
    expect(() => signer.verify(state, signer.issue().nonce)).toThrowError(/does not match/);
    expect(() => signer.verify(undefined, nonce)).toThrowError(/missing/);
    t += 60_001;
    expect(() => signer.verify(state, nonce)).toThrowError(/expired/);
  });
});
