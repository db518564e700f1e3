import { describe, expect, it } from 'vitest';
import { hashField, normalize, sha256Hex } from './hash.js';

describe('Meta hashing', () => {
  it('matches the vectors published on the customer-information-parameters page', () => {
    expect(hashField('em', 'john_smith@gmail.com')).toBe('62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
    expect(hashField('ph', '16505551212')).toBe('e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176');
    expect(hashField('fn', 'mary')).toBe('6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec');
  });

  it('normalises before hashing, so differently written values hash alike', () => {
    expect(hashField('em', '  John_Smith@GMAIL.com ')).toBe(hashField('em', 'john_smith@gmail.com'));
    expect(hashField('ph', '+1 (650) 555-1212')).toBe('e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176');
    expect(hashField('fn', ' Mary ')).toBe('6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec');
  });

  it('em: trimmed, lower-cased, and refused when not an address', () => {
    expect(normalize('em', ' A.B@Example.COM ')).toBe('a.b@example.com');
    for (const bad of ['', 'no-at-sign', 'a@b', 'two@@x.com', 'sp ace@x.com', 'a5d2c1e8f9b0c3d4a7b6c5d8e1f0a9b8']) expect(normalize('em', bad)).toBeNull();
  });

  it('ph: strips punctuation and letters, drops up to two leading zeros, needs 7–16 digits', () => {
    expect(normalize('ph', '(650) 555-1212')).toBe('6505551212');
    expect(normalize('ph', '+44 20 7946 0958')).toBe('442079460958');
    expect(normalize('ph', '0044 20 7946 0958')).toBe('442079460958');
    expect(normalize('ph', "'650'#555;1212")).toBe('6505551212');
    expect(normalize('ph', 'Tel 650 555 1212')).toBe('6505551212');
    expect(normalize('ph', 'tel: 650 555 1212')).toBeNull(); // nor is ':': the SDK would throw, we omit
    expect(normalize('ph', '12345')).toBeNull();
    expect(normalize('ph', '12345678901234567')).toBeNull();
    expect(normalize('ph', '650.555.1212')).toBeNull(); // dots are not among the SDK's stripped characters
  });

  it('fn/ln: lower-cased, punctuation removed, non-Latin letters kept', () => {
    expect(normalize('fn', 'Valéry')).toBe('valéry');
    expect(normalize('ln', "O'Brien-Smith.")).toBe('obriensmith');
    expect(normalize('fn', ' ... ')).toBeNull();
  });

  it('ct/st: digits, whitespace, ( ) . - removed', () => {
    expect(normalize('ct', 'Coastal City')).toBe('coastalcity');
    expect(normalize('ct', 'St. Louis (MO) 2')).toBe('stlouismo');
    expect(normalize('st', 'CA')).toBe('ca');
    expect(normalize('st', ' 12 ')).toBeNull();
  });

  it('zp: whitespace removed, only the part before "-", fewer than 2 characters dropped', () => {
    expect(normalize('zp', '90210')).toBe('90210');
    expect(normalize('zp', ' 94035-1234 ')).toBe('94035');
    expect(normalize('zp', 'SW1A 1AA')).toBe('sw1a1aa');
    expect(normalize('zp', '9')).toBeNull();
    expect(normalize('zp', '-123')).toBeNull();
  });

  it('country: an ISO-3166 alpha-2 code, lower-cased; anything else refused', () => {
    expect(normalize('country', 'US')).toBe('us');
    expect(normalize('country', 'USA')).toBeNull();
    expect(normalize('country', 'U5')).toBeNull();
  });

  it('passes an already SHA-256-hashed value through, lower-cased, without hashing again', () => {
    const h = sha256Hex('john_smith@gmail.com');
    expect(hashField('em', h)).toBe(h);
    expect(hashField('fn', h.toUpperCase())).toBe(h);
  });

  it('hashes 32-hex values (the demo payload) as opaque strings instead of passing them as MD5', () => {
    const md5ish = 'd1c8a6f05f42e8b2c45e06d910a3f8c5';
    expect(hashField('fn', md5ish)).toBe(sha256Hex(md5ish));
  });
});
