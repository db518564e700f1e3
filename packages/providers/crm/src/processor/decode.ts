import { decodeLedgerEnvelope, EnvelopeError, type ConsumedMessage } from '@hookstream/kafka';
import { ledgerEventOf, type DecodedMessage, type DecodeOutcome } from '@hookstream/pipeline';
import type { LedgerEvent } from '@hookstream/store';
import { PROVIDER } from '../constants.js';
import { dealEventKey } from '../deal-keys.js';
import { bodyIssue } from '../edge/issues.js';
import { dealPayloadSchema } from '../edge/payload-schema.js';
import type { DealKey } from '../store/deal-writer.js';
import type { DealFields } from './deal-state.js';

export interface DealMessage extends DecodedMessage {
  ledger: LedgerEvent;
  deal: DealKey;
  status: string;
  fields: DealFields;
}

/**
 * The edge validated the body; it is read again here for the deal's fields, so a message
 * produced by anything else that does not hold a deal is dead-lettered, never half-stored.
 */
export function decodeDealMessage(message: ConsumedMessage): DecodeOutcome<DealMessage> {
  try {
    return { ok: true, value: { offset: message.offset, ...readDeal(message) } };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, error: err };
    throw err;
  }
}

function readDeal(message: ConsumedMessage): Omit<DealMessage, 'offset'> {
  const e = decodeLedgerEnvelope(message.value);
  if (e.provider !== PROVIDER) throw new EnvelopeError(`provider "${e.provider}" on the crm topic`);
  const parsed = dealPayloadSchema.safeParse(e.event, { error: bodyIssue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The issue's path and wording only: never a value, which may be a customer's data.
    throw new EnvelopeError(`crm event ${e.eventId} is not a deal webhook: ${issue ? `/${issue.path.join('/')}: ${issue.message}` : 'invalid'}`);
  }
  const d = parsed.data.data;
  const key = dealEventKey(d.dealId, d.dealDetails.status);
  if (e.subject !== d.dealId || e.idempotencyKey !== key) throw new EnvelopeError(`crm event ${e.eventId}: envelope and body name different deals or statuses`);
  const ledger: LedgerEvent = ledgerEventOf(e);
  // As the CRM sent them, with any fields it adds (the schema's output would drop those).
  const raw = (e.event as { data: Record<string, unknown> }).data;
  return {
    dedupeKey: `${e.source}\u0000${key}`,
    ledger,
    deal: { source: e.source, dealId: d.dealId },
    status: d.dealDetails.status,
    fields: { deal: raw.dealDetails, customer: raw.customer, property: raw.propertyInformation },
  };
}
