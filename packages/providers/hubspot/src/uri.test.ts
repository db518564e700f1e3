import { describe, expect, it } from 'vitest';
import { normalizeV3Uri, publicRequestUrl } from './uri.js';

describe('normalizeV3Uri', () => {
  it('decodes exactly the twelve reserved escapes, any hex case', () => {
    expect(normalizeV3Uri('%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe(":/?@!$'()*,;");
    expect(normalizeV3Uri('%3a%2f%3f%40%21%24%27%28%29%2a%2c%3b')).toBe(":/?@!$'()*,;");
  });

  it('keeps every other escape, including %20, %2B, %25 and %26', () => {
    expect(normalizeV3Uri('https://h/p?q=a%20b%2Bc%25d%26e%3D')).toBe('https://h/p?q=a%20b%2Bc%25d%26e%3D');
  });

  it('does not double-decode %253A', () => {
    expect(normalizeV3Uri('https://h/p?q=%253A')).toBe('https://h/p?q=%253A');
  });

  it('leaves a URL without escapes untouched', () => {
    expect(normalizeV3Uri('https://www.example.com/webhook_uri?a=1&b=2')).toBe('https://www.example.com/webhook_uri?a=1&b=2');
  });
});

describe('publicRequestUrl', () => {
  const base = { trustProxy: false, headers: {}, protocol: 'http', host: '10.0.0.5:8080', originalUrl: '/webhooks/hubspot?x=1' };

  it('uses the socket protocol and host by default', () => {
    expect(publicRequestUrl(base)).toBe('http://10.0.0.5:8080/webhooks/hubspot?x=1');
  });

  it('ignores forwarding headers unless the proxy is trusted', () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'abc.ngrok.app' };
    expect(publicRequestUrl({ ...base, headers })).toBe('http://10.0.0.5:8080/webhooks/hubspot?x=1');
    expect(publicRequestUrl({ ...base, headers, trustProxy: true })).toBe('https://abc.ngrok.app/webhooks/hubspot?x=1');
  });

  it('takes the first value of comma-separated or repeated forwarding headers', () => {
    const headers = { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': ['edge.example.com, lb.internal', 'other'] };
    expect(publicRequestUrl({ ...base, headers, trustProxy: true })).toBe('https://edge.example.com/webhooks/hubspot?x=1');
  });

  it('falls back per header when only one forwarding header is present', () => {
    expect(publicRequestUrl({ ...base, trustProxy: true, headers: { 'x-forwarded-proto': 'https' } })).toBe('https://10.0.0.5:8080/webhooks/hubspot?x=1');
  });

  it('lets PUBLIC_URL win, keeping its base path and avoiding double slashes', () => {
    const headers = { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'ignored' };
    expect(publicRequestUrl({ ...base, headers, trustProxy: true, publicUrl: 'https://abc.ngrok.app' })).toBe('https://abc.ngrok.app/webhooks/hubspot?x=1');
    expect(publicRequestUrl({ ...base, publicUrl: 'https://abc.ngrok.app/' })).toBe('https://abc.ngrok.app/webhooks/hubspot?x=1');
    expect(publicRequestUrl({ ...base, publicUrl: 'https://example.com/hooks/' })).toBe('https://example.com/hooks/webhooks/hubspot?x=1');
    expect(publicRequestUrl({ ...base, publicUrl: 'https://example.com:8443/hooks' })).toBe('https://example.com:8443/hooks/webhooks/hubspot?x=1');
  });

  it('treats an empty PUBLIC_URL as unset', () => {
    expect(publicRequestUrl({ ...base, publicUrl: '' })).toBe('http://10.0.0.5:8080/webhooks/hubspot?x=1');
  });
});
