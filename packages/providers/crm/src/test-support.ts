import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@hookstream/core';
import { loadSourcesFile } from '@hookstream/pipeline';
import { loadCrmSources, type CrmSource } from './config/load.js';

/** Test-only: a temporary sources file and the crm sources it declares. */
export class TempSources {
  readonly dir = mkdtempSync(join(tmpdir(), 'hookstream-crm-'));

  path(yaml: string): string {
    const path = join(this.dir, 'sources.yaml');
    writeFileSync(path, yaml);
    return path;
  }

  load(yaml: string): CrmSource[] {
    return loadCrmSources(loadSourcesFile(this.path(yaml)));
  }

  /** The one-line message loading `yaml` fails with, the directory shown as `.`. */
  failure(yaml: string): string {
    return thrown(() => this.load(yaml)).message.replaceAll(this.dir, '.');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The AppError `fn` throws. */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}
