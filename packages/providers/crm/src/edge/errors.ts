import type { AppError, FieldError } from '@hookstream/core';
import { malformedBody, sourceNotFound as notFound, validationFailed as refused } from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';

export { invalidCredentials, MAX_REPORTED_ERRORS } from '@hookstream/pipeline';

/** The CRM's wording of the shared refusals (@hookstream/pipeline). */
export const sourceNotFound = (name: string): AppError => notFound(PROVIDER, name);
/** The body is no JSON object at all (not UTF-8, not JSON): nothing to point into. */
export const badRequest = malformedBody;
export const validationFailed = (errors: readonly FieldError[]): AppError => refused('deal webhook', errors);
