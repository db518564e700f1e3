export interface SourceEntry {
  /** Position in the file's `sources` list, for messages. */
  index: number;
  name: string;
  /** Which provider package reads the entry; `sources` (generic webhook sources) when omitted. */
  provider: string;
  /** The entry exactly as written, `name` and `provider` included. */
  raw: Record<string, unknown>;
}

export interface SourcesFile {
  /** As given (SOURCES_FILE), so messages show what the operator wrote. */
  path: string;
  /** Absolute directory of the file: relative `$ref`s resolve against it. */
  dir: string;
  entries: SourceEntry[];
}
