import type { FieldError } from '@hookstream/core';
import { readHeader, type HeaderMap } from '@hookstream/pipeline';
import { EVENT_HEADER } from '../constants.js';

/** `deal_created`, `deal.updated`, `DealWon`: a short token, stored as the ledger's type. */
const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The x-event header, or null after adding the reason to `errors`. A header is not in the
 * body, so its problems have the pointer '' and name the header.
 */
export function readEventType(headers: HeaderMap, errors: FieldError[]): string | null {
  const h = readHeader(headers, EVENT_HEADER);
  if (h.kind === 'one' && EVENT_TYPE.test(h.value)) return h.value;
  const why =
    h.kind === 'absent'
      ? 'is required (the event type, e.g. deal_created or deal_updated)'
      : h.kind === 'many'
        ? 'must be given once'
        : 'must be 1-64 letters, digits, _, . or - starting with a letter or digit';
  errors.push({ path: '', message: `header ${EVENT_HEADER} ${why}` });
  return null;
}
