import type { IncomingMessage } from 'node:http';

/** The request's parameters, wherever the client put them. */
export interface MetaRequestParams {
  encoding: 'json' | 'form' | 'multipart' | 'other';
  data: unknown;
  accessToken: string | null;
  tokenIn: 'body' | 'query' | 'none';
  testEventCode: string | null;
  appSecretProof: string | null;
  /** Set when the body could not be read as the declared type. */
  unreadable: string | null;
}

/** 1,000 events of a few KiB each fit well within this. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Reads the body like Graph does: a JSON object (the official SDK), or form fields — urlencoded
 * or multipart, as Meta's curl example sends with `-F` — where `data` is a JSON string. The
 * token may also be a query parameter (the documented URL form).
 */
export async function parseParams(contentType: string, raw: Buffer, query: URLSearchParams): Promise<MetaRequestParams> {
  const queryToken = str(query.get('access_token'));
  const base = (encoding: MetaRequestParams['encoding'], fields: Record<string, unknown>, unreadable: string | null = null): MetaRequestParams => {
    const bodyToken = str(fields.access_token);
    return {
      encoding,
      data: fields.data,
      accessToken: bodyToken ?? queryToken,
      tokenIn: bodyToken !== null ? 'body' : queryToken !== null ? 'query' : 'none',
      testEventCode: str(fields.test_event_code) ?? str(query.get('test_event_code')),
      appSecretProof: str(fields.appsecret_proof) ?? str(query.get('appsecret_proof')),
      unreadable,
    };
  };
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return base('json', {}, 'the JSON body must be an object');
      return base('json', parsed as Record<string, unknown>);
    } catch {
      return base('json', {}, 'the body is not valid JSON');
    }
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const encoding = type === 'multipart/form-data' ? 'multipart' : 'form';
    try {
      // undici's Response parses both form encodings; only text fields matter here.
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      const fields: Record<string, unknown> = {};
      for (const [k, v] of form.entries()) if (typeof v === 'string') fields[k] = v;
      if (typeof fields.data === 'string') {
        try {
          fields.data = JSON.parse(fields.data);
        } catch {
          return base(encoding, fields, 'the data field is not valid JSON');
        }
      }
      return base(encoding, fields);
    } catch {
      return base(encoding, {}, 'the form body cannot be read');
    }
  }
  return base('other', {}, null);
}
