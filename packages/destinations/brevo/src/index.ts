/**
 * @module brevo: the Brevo transactional e-mail destination — a committed CRM deal becomes an
 * e-mail to its customer with the property details, sent through the delivery engine.
 */
export { createBrevoDestination, idempotencyKeyOf, BREVO_IDEMPOTENCY_NAMESPACE } from './destination.js';
export { BrevoSettingsSchema, type BrevoSettings } from './settings.js';
export { BrevoDestinationConfigSchema, parseBrevoConfig, type BrevoDestinationConfig } from './config.js';
export { buildEmail, templateParams, type BrevoEmailRequest } from './message.js';
export { readDeal, type DealMail, type PropertyInformation } from './deal.js';
export { escapeHtml } from './html.js';
export { resultOf, rateLimitResetMs } from './answer.js';
export { uuidv5, NAMESPACE_DNS } from './uuid.js';
