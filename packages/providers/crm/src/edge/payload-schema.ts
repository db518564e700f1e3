import { z } from 'zod';
import { DEAL_ID_RULE, isDealId, statusSchema } from '../config/tokens.js';

const text = (max: number) => z.string().max(max);
const id = () => z.string().min(1).max(128);

/**
 * The reference system's deal body. Every documented field is required except `message`,
 * `phoneNumber` and `closingDate`, which a CRM may not have for every deal. Fields the CRM adds
 * are allowed (and stored: the ledger keeps the body as received). Values are never quoted in
 * messages: they may be a customer's name or e-mail.
 */
export const dealPayloadSchema = z.object({
  status: text(64),
  message: text(1000).optional(),
  data: z.object({
    dealId: z.string().refine(isDealId, { error: DEAL_ID_RULE }),
    customer: z.object({
      contactId: id(),
      firstName: text(200),
      lastName: text(200),
      // No address check: the reference system's demo deal carries hashed (hex) values here.
      email: text(320),
      phoneNumber: text(64).nullish(),
    }),
    dealDetails: z.object({
      dealName: text(500),
      dealValue: z.number().nonnegative(),
      currency: z.string().regex(/^[A-Za-z]{3}$/, { error: 'must be an ISO 4217 currency code such as USD' }),
      status: statusSchema,
      closingDate: z.iso.date({ error: 'must be a date like 2026-03-15' }).nullish(),
    }),
    propertyInformation: z.object({
      propertyId: id(),
      address: text(500),
      city: text(200),
      state: text(100),
      zipCode: text(32),
      propertyType: text(200),
      squareFootage: z.number().nonnegative(),
    }),
  }),
});

export type DealPayload = z.output<typeof dealPayloadSchema>;
export type DealData = DealPayload['data'];
