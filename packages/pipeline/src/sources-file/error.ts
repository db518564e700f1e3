import { AppError, type FieldError } from '@hookstream/core';

/**
 * The sources file (SOURCES_FILE) cannot be used. The message is one line naming the file,
 * the source and the field, which is what an operator needs to fix a deployment; `errors`
 * lists every problem found, as JSON pointers into the file.
 */
export class SourcesFileError extends AppError {
  readonly file: string;

  constructor(file: string, detail: string, options: { errors?: FieldError[]; cause?: unknown } = {}) {
    super('SOURCES_FILE_INVALID', 500, `SOURCES_FILE ${file}: ${oneLine(detail)}`, { ...options, retryable: false });
    this.file = file;
  }
}

/** `sources[2] "alerts"`, or `sources[2]` while the entry has no usable name. */
export function describeEntry(index: number, name?: string): string {
  return name === undefined ? `sources[${index}]` : `sources[${index}] ${JSON.stringify(name)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
