/** What opening PostgreSQL takes, in db/'s own terms: the server maps its environment onto it (server/env.ts pgOptions). */

/** libpq's sslmode values (`no-verify` is node-postgres's own: TLS without checking the certificate). */
export const PG_SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify'] as const;
export type PgSslMode = (typeof PG_SSL_MODES)[number];

/** What opening PostgreSQL needs, taken from Env by server/env.ts `pgOptions` (tests build it directly). */
export interface PgOptions {
  url: string;
  /** Connections this process keeps at most (PG_POOL_MAX). */
  poolMax: number;
  /**
   * Server-side limit on one statement, and on a transaction left idle (PG_STATEMENT_TIMEOUT_MS; 0 = none). A
   * transaction idle that long is a bug (network calls belong before it): the server ends it and frees its locks.
   */
  statementTimeoutMs: number;
  /** PGSSLMODE; an `sslmode` in the URL wins. Unset: no TLS (node-postgres's default). */
  sslmode?: PgSslMode;
}
