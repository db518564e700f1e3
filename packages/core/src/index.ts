/** @module core: what every layer shares and nothing else: the error root. */
export { AppError, isAppError, type AppErrorOptions, type FieldError } from './errors.js';
