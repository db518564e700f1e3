import { z } from 'zod';

/**
 * The parts of a CRM deal event (the reference system's body, `item.event.raw`) an e-mail
 * uses. The edge has already validated the body; reading is lenient here so that one odd field
 * (a number where text was expected) costs that line of the e-mail, not the e-mail.
 */
export interface DealMail {
  email: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  dealId: string | undefined;
  dealName: string | undefined;
  dealValue: number | string | undefined;
  currency: string | undefined;
  closingDate: string | undefined;
  property: PropertyInformation;
}

/** In the order the built-in e-mail lists them. */
export const PROPERTY_FIELDS = ['propertyId', 'address', 'city', 'state', 'zipCode', 'propertyType', 'squareFootage'] as const;
export type PropertyField = (typeof PROPERTY_FIELDS)[number];

/** The deal's propertyInformation, without the fields the CRM left out or empty. */
export type PropertyInformation = Partial<Record<PropertyField, string | number>>;

const text = z
  .union([z.string(), z.number().finite()])
  .transform((v) => String(v).trim())
  .optional()
  .catch(undefined);
const amount = z.union([z.number().finite(), z.string()]).optional().catch(undefined);
const record = z.record(z.string(), z.unknown()).optional().catch(undefined);

const DealSchema = z.object({
  data: z
    .object({
      dealId: text,
      customer: z.object({ email: text, firstName: text, lastName: text }).optional().catch(undefined),
      dealDetails: z.object({ dealName: text, dealValue: amount, currency: text, closingDate: text }).optional().catch(undefined),
      propertyInformation: record,
    })
    .optional()
    .catch(undefined),
});

export function readDeal(raw: unknown): DealMail {
  const parsed = DealSchema.safeParse(raw);
  const data = parsed.success ? parsed.data.data : undefined;
  const info = data?.propertyInformation ?? {};
  const property: PropertyInformation = {};
  for (const field of PROPERTY_FIELDS) {
    const value = field === 'squareFootage' ? amount.parse(info[field]) : text.parse(info[field]);
    if (value !== undefined && value !== '') property[field] = value;
  }
  return {
    email: data?.customer?.email,
    firstName: data?.customer?.firstName,
    lastName: data?.customer?.lastName,
    dealId: data?.dealId,
    dealName: data?.dealDetails?.dealName,
    dealValue: data?.dealDetails?.dealValue,
    currency: data?.dealDetails?.currency,
    closingDate: data?.dealDetails?.closingDate,
    property,
  };
}

const Email = z.email();

/** Brevo refuses the whole request for a bad `to`; checking first turns that into a local, final refusal. */
export const isEmail = (value: string | undefined): value is string => value !== undefined && Email.safeParse(value).success;

/** "First Last", or undefined when the CRM sent neither. */
export function fullName(deal: DealMail): string | undefined {
  const name = [deal.firstName, deal.lastName].filter((p) => p !== undefined && p !== '').join(' ');
  return name === '' ? undefined : name;
}
