import { z } from 'zod';

/**
 * Deal ids and statuses become parts of keys: the idempotency key `<dealId>:<status>`, the
 * Kafka key `<source>:<dealId>` and the primary keys of the deal tables. A status without ':'
 * keeps `<dealId>:<status>` unambiguous; no outer whitespace, because the tables' collation
 * compares with PAD SPACE ("D1" and "D1 " would be one deal) and such ids are sender bugs.
 */
export const MAX_DEAL_ID_LENGTH = 128;
export const MAX_STATUS_LENGTH = 64;

const DEAL_ID = new RegExp(`^(?!\\s)[^\\p{Cc}]{1,${MAX_DEAL_ID_LENGTH}}(?<!\\s)$`, 'u');
const STATUS = new RegExp(`^(?!\\s)[^:\\p{Cc}]{1,${MAX_STATUS_LENGTH}}(?<!\\s)$`, 'u');

export const DEAL_ID_RULE = `must be 1-${MAX_DEAL_ID_LENGTH} characters without control characters or leading/trailing spaces`;
export const STATUS_RULE = `must be 1-${MAX_STATUS_LENGTH} characters without ":", control characters or leading/trailing spaces`;

export const isDealId = (v: string): boolean => DEAL_ID.test(v);
export const isStatus = (v: string): boolean => STATUS.test(v);

/** A status as the sources file and the body spell it; compared exactly (case included). */
export const statusSchema = z.string().refine(isStatus, { error: STATUS_RULE });
