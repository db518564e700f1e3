/**
 * What a failed start-up means for the operator, in one line naming the setting to look at,
 * from the error's shape alone (codes and names, walked through its `cause` chain): this
 * package knows no driver, but the errors of mysql2, kafkajs, @platformatic/kafka and node:net are recognisable.
 * Null when the error is none of these: a bug, printed with its stack.
 */
export function describeStartupError(err: unknown): string | null {
  const chain = causes(err);
  // kafkajs names its errors KafkaJS…; @platformatic/kafka gives every error a PLT_KFK_ code.
  const kafka = chain.some(
    (e) => (typeof e.name === 'string' && e.name.startsWith('KafkaJS')) || (typeof e.code === 'string' && e.code.startsWith('PLT_KFK_')),
  );
  const net = chain.find((e) => typeof e.code === 'string' && NET_CODES.has(e.code));
  if (kafka)
    return `KAFKA_BROKERS: no Kafka broker could be reached${net ? ` (${netDetail(net)})` : ` (${firstMessage(chain)})`}; check the addresses and that the brokers run`;
  const mysql = chain.find((e) => typeof e.code === 'string' && MYSQL_CODES[e.code] !== undefined);
  if (mysql) return `DATABASE_URL: ${MYSQL_CODES[mysql.code as string]} (${mysql.message ?? mysql.code})`;
  const inUse = chain.find((e) => e.code === 'EADDRINUSE');
  if (inUse) return `PORT: ${inUse.port ?? 'the port'} is already in use on ${inUse.address ?? 'this host'}; stop what listens there or set PORT`;
  // mysql2 marks a failed connection as fatal; kafkajs errors were handled above.
  if (net && net.fatal === true) return `DATABASE_URL: the database server could not be reached (${netDetail(net)})`;
  return null;
}

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: string;
  fatal?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

const NET_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

const MYSQL_CODES: Readonly<Record<string, string>> = {
  ER_BAD_DB_ERROR: 'the database does not exist; create it (npm start does) or point DATABASE_URL at one',
  ER_ACCESS_DENIED_ERROR: 'the user or password was refused',
  ER_DBACCESS_DENIED_ERROR: 'the user may not use this database',
  ER_HOST_NOT_PRIVILEGED: 'this host may not connect to the database server',
  HANDSHAKE_SSL_ERROR: 'the TLS handshake with the database failed',
};

function netDetail(e: ErrorLike): string {
  if (typeof e.address === 'string') return `${String(e.code)} ${e.address}${e.port !== undefined ? `:${String(e.port)}` : ''}`;
  // kafkajs keeps only the code; the address is in its message ("connect ECONNREFUSED 127.0.0.1:9092").
  const where = /\b[A-Z]{4,} (\S+:\d+)/.exec(e.message ?? '')?.[1];
  return `${String(e.code)}${where ? ` ${where}` : ''}`;
}

function firstMessage(chain: readonly ErrorLike[]): string {
  return chain.map((e) => e.message).find((m) => typeof m === 'string' && m !== '') ?? 'unknown error';
}

/**
 * The error and its causes (`cause`, TypeORM's `driverError`, kafkajs's `originalError`, the first
 * of an AggregateError's `errors`, as @platformatic/kafka's "Cannot connect to any broker"), at most 8 deep.
 */
function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && out.length < 8) {
    const x = e as ErrorLike & { driverError?: unknown };
    out.push(x);
    e = x.cause ?? x.driverError ?? x.originalError ?? (Array.isArray(x.errors) ? (x.errors as unknown[])[0] : undefined);
  }
  return out;
}
