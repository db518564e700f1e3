import { hashField, type HashedField } from './hash.js';

/** user_data as sent: every value a list, as Meta's own example does. */
export type UserData = Partial<Record<HashedField | 'external_id', string[]>>;

type Fields = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/**
 * The customer's identifiers, hashed. A value that cannot be normalised (a malformed e-mail, a
 * phone with too few digits) is left out rather than refusing the event: Meta matches on
 * whatever remains. The CRM body carries no customer address, so city/state/zip come from the
 * customer when a CRM sends them and otherwise from the deal's property, the only address the
 * reference payload has; country likewise, and only as an ISO-3166 alpha-2 code.
 */
export function buildUserData(customer: Fields, property: Fields): UserData {
  const out: UserData = {};
  const put = (field: HashedField, value: unknown): void => {
    const s = text(value);
    const hashed = s === null ? null : hashField(field, s);
    if (hashed !== null) out[field] = [hashed];
  };
  put('em', customer.email);
  put('ph', customer.phoneNumber);
  put('fn', customer.firstName);
  put('ln', customer.lastName);
  put('ct', customer.city ?? property.city);
  put('st', customer.state ?? property.state);
  put('zp', customer.zipCode ?? property.zipCode);
  put('country', customer.country ?? property.country);
  // Meta only recommends hashing external_id and the SDK sends it as is; unhashed, the contact
  // id stays joinable with the CRM in Events Manager.
  const contactId = text(customer.contactId);
  if (contactId !== null) out.external_id = [contactId.trim()];
  return out;
}
