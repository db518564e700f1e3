import { badRequest } from './errors.js';

// fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The events of a body: an object is one event, an array is a batch of 1..maxEvents. */
export function decodeBody(rawBody: Buffer, maxEvents: number): { items: unknown[]; isArray: boolean } {
  if (rawBody.length === 0) throw badRequest('body is empty: expected a JSON object or an array of objects');
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw badRequest('body is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw badRequest(`body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (Array.isArray(json)) {
    if (json.length === 0) throw badRequest('body is an empty array: expected at least one event');
    if (json.length > maxEvents) throw badRequest(`body has ${json.length} events, more than the maximum of ${maxEvents}`);
    return { items: json, isArray: true };
  }
  if (typeof json !== 'object' || json === null) throw badRequest('body must be a JSON object or an array of objects');
  return { items: [json], isArray: false };
}
