import { CompiledQuery, PostgresDialect, PostgresDriver, type DatabaseConnection, type Driver, type TransactionSettings } from 'kysely'
import pg from 'pg'

// Kysely's PostgreSQL dialect over pipelining clients (pg's `pipeline: true`: a statement is
// written to the server at once, not after the answer to the one before it), with a
// transaction's BEGIN sent without waiting for its answer: it travels with the transaction's
// first statement, one round trip fewer a transaction. The intake's transaction has four; on a
// busy server each answer also waits its turn behind the HTTP work in the event loop
// (bench/README.md, "Pipelined transactions").
//
// Not waiting for BEGIN is safe: it fails only when the connection is lost or the session is in
// an aborted transaction, and then the statement after it fails as well; it never leaves that
// statement to run on its own. The statement's error is the one reported, and Kysely rolls back.

class PipelinedBeginDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) return super.beginTransaction(connection, settings)
    // Handled here: its failure shows as the next statement's (above).
    connection.executeQuery(CompiledQuery.raw('begin')).catch(() => {})
  }
}

class PipelinedPostgresDialect extends PostgresDialect {
  constructor(private readonly pool: pg.Pool) {
    super({ pool })
  }
  override createDriver(): Driver {
    return new PipelinedBeginDriver({ pool: this.pool })
  }
}

/** A pool of pipelining clients and the Kysely dialect over it. */
export function pipelinedPostgres(url: string, max: number): { pool: pg.Pool; dialect: PostgresDialect } {
  const pool = new pg.Pool({ connectionString: url, max, pipeline: true })
  return { pool, dialect: new PipelinedPostgresDialect(pool) }
}
