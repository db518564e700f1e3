import { describe, expect, it } from 'vitest';
import { verifierFor } from './test-helpers.js';

const PASSWORD = 'basic-password-16+';
const T1 = 'bearer-token-0001-abcdef';
const T2 = 'bearer-token-0002-abcdef';
const basicHeader = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('basic', () => {
  const verify = verifierFor({ type: 'basic', username: 'hooks', password: PASSWORD });

  it('accepts the configured pair, whatever the case of the scheme and header name', () => {
    expect(verify({ authorization: basicHeader('hooks', PASSWORD) })).toEqual({ ok: true, method: 'basic' });
    expect(verify({ Authorization: basicHeader('hooks', PASSWORD).replace('Basic', 'BASIC') }).ok).toBe(true);
  });

  it('refuses a wrong user or password, malformed credentials, another scheme and a missing header', () => {
    expect(verify({ authorization: basicHeader('hooks', `${PASSWORD}x`) })).toEqual({ ok: false, reason: 'invalid username or password' });
    expect(verify({ authorization: basicHeader('other', PASSWORD) }).ok).toBe(false);
    expect(verify({ authorization: 'Basic not*base64' })).toEqual({ ok: false, reason: 'malformed basic credentials' });
    expect(verify({ authorization: 'Basic' })).toEqual({ ok: false, reason: 'authorization scheme is not basic' });
    expect(verify({ authorization: `Bearer ${T1}` })).toEqual({ ok: false, reason: 'authorization scheme is not basic' });
    expect(verify({})).toEqual({ ok: false, reason: 'missing authorization header' });
  });
});

describe('bearer', () => {
  const verify = verifierFor({ type: 'bearer', tokens: [T1, T2] });

  it('accepts every configured token (rotation) and reads the header case-insensitively', () => {
    expect(verify({ authorization: `Bearer ${T1}` })).toEqual({ ok: true, method: 'bearer', keyIndex: 0 });
    expect(verify({ AUTHORIZATION: `bearer ${T2}` })).toEqual({ ok: true, method: 'bearer', keyIndex: 1 });
  });

  it('refuses a wrong token, another scheme and a missing or repeated header', () => {
    expect(verify({ authorization: `Bearer ${T1}x` })).toEqual({ ok: false, reason: 'invalid bearer token' });
    expect(verify({ authorization: basicHeader('a', T1) })).toEqual({ ok: false, reason: 'authorization scheme is not bearer' });
    expect(verify({})).toEqual({ ok: false, reason: 'missing authorization header' });
    expect(verify({ authorization: [`Bearer ${T1}`, `Bearer ${T2}`] })).toEqual({ ok: false, reason: 'multiple authorization headers' });
  });
});

describe('none', () => {
  it('admits everything, and only when written out', () => {
    expect(verifierFor({ type: 'none' })({})).toEqual({ ok: true, method: 'none' });
  });
});
