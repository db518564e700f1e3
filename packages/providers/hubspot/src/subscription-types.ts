/**
 * The subscription types HubSpot documents, as data: what we understand and model. Anything else
 * is still accepted and stored raw (HubSpot adds types without notice), but is counted as
 * "unknown" so an operator sees it.
 */

/** Legacy `<object>.<action>` subscriptions, per object (webhooks guide, "Subscription types"). */
export const LEGACY_SUBSCRIPTIONS: ReadonlyMap<string, readonly string[]> = new Map([
  ['contact', ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore', 'privacyDeletion']],
  ['company', ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore']],
  ['deal', ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore']],
  ['ticket', ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore']],
  // Products have no associationChange subscription.
  ['product', ['creation', 'deletion', 'propertyChange', 'merge', 'restore']],
  ['line_item', ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore']],
  ['conversation', ['creation', 'deletion', 'privacyDeletion', 'propertyChange', 'newMessage']],
]);

/** Generic `object.<action>` subscriptions (public beta since 2024-08): the object is named by objectTypeId. */
export const GENERIC_ACTIONS: readonly string[] = ['creation', 'deletion', 'propertyChange', 'merge', 'associationChange', 'restore'];

/** objectTypeIds of the standard objects we name; custom objects are `2-NNN`, and others (0-47 meetings, …) keep their id. */
export const STANDARD_OBJECT_TYPE_IDS: readonly string[] = ['0-1', '0-2', '0-3', '0-5', '0-7', '0-8'];

/** Every subscription type in the tables above, e.g. `contact.creation`, `object.merge`. */
export const KNOWN_SUBSCRIPTION_TYPES: readonly string[] = [
  ...[...LEGACY_SUBSCRIPTIONS].flatMap(([object, actions]) => actions.map((a) => `${object}.${a}`)),
  ...GENERIC_ACTIONS.map((a) => `object.${a}`),
];

const KNOWN = new Set(KNOWN_SUBSCRIPTION_TYPES);

export type SubscriptionFamily = 'legacy' | 'generic' | 'conversation' | 'unknown';

export interface SubscriptionTypeInfo {
  known: boolean;
  family: SubscriptionFamily;
  /** The part after the last dot ("propertyChange"), or the whole string when there is no dot. */
  action: string;
  /** Label for metrics: the type itself when known, `unknown` otherwise (bounded cardinality). */
  bucket: string;
}

/**
 * What a subscription type is. Matching is exact: HubSpot's types are case-sensitive camelCase,
 * and `event.completed` (in the API spec's enum, payload undocumented) is deliberately unknown.
 */
export function classifySubscriptionType(subscriptionType: string): SubscriptionTypeInfo {
  const dot = subscriptionType.lastIndexOf('.');
  const action = dot === -1 ? subscriptionType : subscriptionType.slice(dot + 1);
  if (!KNOWN.has(subscriptionType)) return { known: false, family: 'unknown', action, bucket: 'unknown' };
  const family: SubscriptionFamily = subscriptionType.startsWith('object.')
    ? 'generic'
    : subscriptionType.startsWith('conversation.')
      ? 'conversation'
      : 'legacy';
  return { known: true, family, action, bucket: subscriptionType };
}

export function isKnownSubscriptionType(subscriptionType: string): boolean {
  return KNOWN.has(subscriptionType);
}
