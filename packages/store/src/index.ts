/**
 * @module store: MySQL/MariaDB persistence shared by every provider (TypeORM + mysql2): the
 * connection, migrations, transactions, and the cross-provider event ledger with its keyset
 * reads. Provider tables (HubSpot's object state, …) live with their provider.
 */
export type { DataSource, QueryRunner } from 'typeorm';
export { createDataSource, runMigrations, MIGRATIONS, type DataSourceOptions, type MigrationClass } from './data-source.js';
export { readDatabaseUrl } from './cli/database-url.js';
export { ENTITIES, EventEntity, EventSequenceEntity, type LedgerRow, type EventSequenceRow } from './entities.js';
export {
  StoreError,
  StoreUnavailableError,
  StoreValidationError,
  classifyError,
  isDeadlockOrLockTimeout,
  isDuplicateKey,
  isConnectionError,
} from './errors.js';
export { num, numOrNull, strOrNull, parseJson } from './rows.js';
export { inTransaction, type TxOptions } from './write/tx.js';
export { LEDGER_WATERMARK } from './ledger/reservations.js';
export {
  chunkRows,
  openLedgerInsert,
  prepareLedgerRow,
  LEDGER_COLUMNS,
  type LedgerInsert,
  type LedgerChunking,
  type PreparedLedgerRow,
} from './ledger/write.js';
export { createLedgerReader, ledgerFromRow, checkLimit, MAX_LIMIT, type LedgerReader, type LedgerRowWith } from './ledger/read.js';
export { buildLedgerListQuery, buildLedgerChangesQuery, listIndex, LEDGER_SELECT, type Sql, type SqlExtension } from './ledger/sql.js';
export type { LedgerEvent, LedgerRecord, LedgerQuery, LedgerChangesQuery, SubjectMatch, EventPosition, SortOrder } from './ledger/types.js';
export { queryFormat } from './sql-format.js';
