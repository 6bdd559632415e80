import { sql, type Kysely } from 'kysely'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.js'

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../migrations')

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK = 72_000_917

export interface MigrationResult {
  applied: string[]
  skipped: string[]
  /** The files of migrations/functions/ applied (all of them, or none when nothing changed). */
  functions: string[]
}

/**
 * Applies migrations/*.sql in name order, each in its own transaction, then the current
 * definitions of the SQL functions, migrations/functions/*.sql (see applyFunctions). A session
 * advisory lock makes two processes starting together take turns: the second finds nothing to do.
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
      const result: MigrationResult = { applied: [], skipped: [], functions: [] }
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
      result.functions = await applyFunctions(conn, join(dir, 'functions'), result.applied.length > 0)
      return result
    } finally {
      await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn)
    }
  })
}

/**
 * The files of migrations/functions/ (CREATE OR REPLACE, one feature each), in name order, in
 * one transaction: all of them when a numbered migration ran just now (it may have replaced or
 * dropped one) or when any file differs from the digest recorded when they were last applied;
 * otherwise none, so that a start costs two small queries and the plans cached by running
 * servers are not thrown away for nothing.
 */
async function applyFunctions(conn: Kysely<Database>, dir: string, migrated: boolean): Promise<string[]> {
  if (!existsSync(dir)) return []
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  const texts = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]))
  const digest = (text: string) => createHash('sha256').update(text).digest('hex')
  await sql`CREATE TABLE IF NOT EXISTS schema_functions (
    name text PRIMARY KEY, digest text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(conn)
  const recorded = new Map(
    (await sql<{ name: string; digest: string }>`SELECT name, digest FROM schema_functions`.execute(conn)).rows.map((r) => [r.name, r.digest]),
  )
  const current = files.every((f) => recorded.get(f) === digest(texts.get(f)!)) && recorded.size === files.length
  if (current && !migrated) return []
  let file = ''
  try {
    await conn.transaction().execute(async (trx) => {
      for (file of files) await sql.raw(texts.get(file)!).execute(trx)
      file = ''
      await sql`DELETE FROM schema_functions`.execute(trx)
      for (const f of files) await sql`INSERT INTO schema_functions (name, digest) VALUES (${f}, ${digest(texts.get(f)!)})`.execute(trx)
    })
  } catch (err) {
    throw new Error(`${file ? `Function file functions/${file}` : 'Recording the function files'} failed: ${err instanceof Error ? err.message : String(err)}`)
  }
  return files
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
