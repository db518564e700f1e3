import { badRequest, type Parser } from '@hookstream/pipeline';

/** Canonical names (contact, line_item, …) or custom object type ids (2-1234567). */
export const objectType: Parser<string> = (name, raw) => {
  if (!/^(?:[a-z][a-z_]{0,63}|[0-9]{1,10}-[0-9]{1,20})$/.test(raw)) {
    throw badRequest(name, 'must be an object type such as contact, deal or 2-1234567');
  }
  return raw;
};

export const subscriptionType: Parser<string> = (name, raw) => {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(raw)) throw badRequest(name, 'must be a subscription type such as contact.propertyChange');
  return raw;
};
