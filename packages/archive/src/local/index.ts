import { archiveOver } from '../archive.js';
import type { ArchiveStore } from '../record.js';
import { localBlobStore } from './local-blob.js';

export interface LocalArchiveOptions {
  /** Root directory; created on first write. Relative paths resolve against the working directory. */
  dir: string;
}

/**
 * The default backend: files under `dir`, each written atomically (temp file, fsync, rename,
 * fsync of the directory), so a crash leaves either the whole record or none of it.
 */
export function createLocalArchive(options: LocalArchiveOptions): ArchiveStore {
  return archiveOver(localBlobStore(options.dir));
}
