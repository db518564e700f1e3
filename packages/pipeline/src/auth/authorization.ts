import { readHeader, type HeaderMap } from './read-header.js';

export type CredentialsRead = { ok: true; credentials: string } | { ok: false; reason: string };

/**
 * The credentials of `Authorization: <scheme> <credentials>`. The scheme is matched
 * case-insensitively (RFC 9110 §11.1); the credentials are returned as sent.
 */
export function readAuthorization(headers: HeaderMap, scheme: string): CredentialsRead {
  const header = readHeader(headers, 'authorization');
  if (header.kind === 'absent') return { ok: false, reason: 'missing authorization header' };
  if (header.kind === 'many') return { ok: false, reason: 'multiple authorization headers' };
  const value = header.value;
  const space = value.indexOf(' ');
  if (space === -1 || value.slice(0, space).toLowerCase() !== scheme) {
    return { ok: false, reason: `authorization scheme is not ${scheme}` };
  }
  const credentials = value.slice(space + 1).trim();
  return credentials === '' ? { ok: false, reason: 'missing credentials' } : { ok: true, credentials };
}
