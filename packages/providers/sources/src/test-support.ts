import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError } from '@hookstream/core';
import { loadSourcesFile } from '@hookstream/pipeline';
import { compileSources, type CompiledSource } from './compile.js';

/** Test-only: a temporary directory for sources files and the schemas they reference. */
export class TempDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'hookstream-generic-'));

  write(name: string, text: string): string {
    const path = join(this.dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Writes `yaml` as sources.yaml (plus `files`) and compiles its generic sources. */
  compile(yaml: string, files: Record<string, string> = {}): CompiledSource[] {
    for (const [name, text] of Object.entries(files)) this.write(name, text);
    return compileSources(loadSourcesFile(this.write('sources.yaml', yaml)));
  }

  /** The one-line message compiling `yaml` fails with, the directory shown as `.`. */
  failure(yaml: string, files: Record<string, string> = {}): string {
    try {
      this.compile(yaml, files);
    } catch (err) {
      if (err instanceof AppError) return err.message.replaceAll(this.dir, '.');
      throw err;
    }
    throw new Error('expected compiling to fail');
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
