import type { AppError, FieldError } from '@hookstream/core';
import { malformedBody, sourceNotFound as notFound, validationFailed as refused } from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';

export { invalidCredentials, MAX_REPORTED_ERRORS } from '@hookstream/pipeline';

/** The location provider's wording of the shared refusals (@hookstream/pipeline). */
export const sourceNotFound = (name: string): AppError => notFound(PROVIDER, name);
export const badRequest = malformedBody;
export const validationFailed = (errors: readonly FieldError[]): AppError => refused('location webhook', errors);
