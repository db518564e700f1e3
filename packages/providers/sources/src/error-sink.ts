import type { FieldError } from '@hookstream/core';

/**
 * Collects the problems of one delivery, up to a cap. Request-level problems (a missing
 * header, path '') are the same for every event of an array body, so each is kept once.
 */
export class ErrorSink {
  readonly list: FieldError[] = [];
  truncated = false;
  private readonly requestLevel = new Set<string>();

  constructor(private readonly max: number) {}

  add(path: string, message: string): void {
    if (path === '') {
      if (this.requestLevel.has(message)) return;
      this.requestLevel.add(message);
    }
    if (this.list.length >= this.max) {
      this.truncated = true;
      return;
    }
    this.list.push({ path, message });
  }

  get full(): boolean {
    return this.list.length >= this.max;
  }
}
