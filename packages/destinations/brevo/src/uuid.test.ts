import { describe, expect, it } from 'vitest';
import { isUuid, NAMESPACE_DNS, uuidv5 } from './uuid.js';

describe('uuidv5', () => {
  it('matches the known vector: "www.example.com" in the DNS namespace', () => {
    expect(uuidv5('www.example.com', NAMESPACE_DNS)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is stable, sets version 5 and the RFC 4122 variant, and differs per name', () => {
    const a = uuidv5('delivery-1', NAMESPACE_DNS);
    expect(uuidv5('delivery-1', NAMESPACE_DNS)).toBe(a);
    expect(uuidv5('delivery-2', NAMESPACE_DNS)).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuid(a)).toBe(true);
  });

  it('hashes the name as UTF-8', () => {
    expect(uuidv5('Zürich', NAMESPACE_DNS)).not.toBe(uuidv5('Zurich', NAMESPACE_DNS));
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => uuidv5('x', 'not-a-uuid')).toThrow(/not a UUID/);
  });
});
