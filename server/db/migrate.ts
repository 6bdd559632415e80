import { sql, type Kysely } from 'kysely'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.js'

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../migrations')

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 72_000_917

export interface MigrationResult {
  applied: string[]
  skipped: string[]
}

/**
 * Applies migrations/*.sql in name order, each in its own transaction. A session advisory
 * lock makes two processes starting together take turns: the second finds nothing to do.
 */
export async function migrate(db: Kysely<Database>, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const files = readdirSync(dir).filter((f) => /^\d+.*\.sql$/.test(f)).sort()
  return db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn)
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn)
      const done = new Set(
        (await sql<{ name: string }>`SELECT name FROM schema_migrations`.execute(conn)).rows.map((r) => r.name),
      )
      const result: MigrationResult = { applied: [], skipped: [] }
      for (const file of files) {
        if (done.has(file)) {
          result.skipped.push(file)
          continue
        }
        const text = readFileSync(join(dir, file), 'utf8')
        try {
          await conn.transaction().execute(async (trx) => {
            await sql.raw(text).execute(trx)
            await sql`INSERT INTO schema_migrations (name) VALUES (${file})`.execute(trx)
          })
        } catch (err) {
          throw explainMigrationError(file, err)
        }
        result.applied.push(file)
      }
      return result
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn)
    }
  })
}

function explainMigrationError(file: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err)
  if (/extension "postgis".*(not available|could not open)/i.test(msg) || /postgis\.control/.test(msg)) {
    return new Error(
      `Migration ${file} needs PostGIS, which this PostgreSQL server does not have.\n` +
        `Install PostGIS 3.3 or newer for your server (Debian/Ubuntu: apt-get install postgresql-15-postgis-3), ` +
        `or have a superuser run CREATE EXTENSION postgis in the database.`,
    )
  }
  return new Error(`Migration ${file} failed: ${msg}`)
}
