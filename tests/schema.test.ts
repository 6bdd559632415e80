import { sql } from 'kysely'
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Db } from '../server/db/connect.js'
import { migrate, MIGRATIONS_DIR } from '../server/db/migrate.js'
import { describeSchema, SCHEMA_FILE } from '../server/db/schema.js'
import { CLOSED_STATUSES } from '../server/tickets/ticket.rules.js'
import { createTestDb } from './helpers/db.js'

/**
 * migrations/schema.sql is the schema a migrated database has, and the function files of
 * migrations/functions/ are what the database runs: edited there, they are applied on the next
 * start, once, even when two servers start together.
 */
let t: Db & { url?: string }
let dir: string

beforeAll(async () => {
  t = await createTestDb()
  dir = mkdtempSync(join(tmpdir(), 'sigap-migrations-'))
  cpSync(MIGRATIONS_DIR, dir, { recursive: true })
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

const probe = async (db: Db) =>
  (await sql<{ n: number | null }>`SELECT (SELECT count(*) FROM pg_proc WHERE proname = 'sigap_schema_probe')::int AS n`.execute(db.db)).rows[0]!.n

describe('database schema', () => {
  it('is what migrations/schema.sql says (after a change: npm run schema)', async () => {
    expect(await describeSchema(t.db)).toBe(readFileSync(SCHEMA_FILE, 'utf8'))
  })

  it('spells the closed states as CLOSED_STATUSES does, in the SQL functions and the open-incident index', async () => {
    const sqlList = CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')
    const lists = ['matching.sql', 'intake.sql'].flatMap((f) => [...readFileSync(join(MIGRATIONS_DIR, 'functions', f), 'utf8').matchAll(/status NOT IN \(([^)]*)\)/g)].map((m) => m[1]))
    expect(lists.length).toBe(2) // the search and the join (matching.sql), which both intake ways use
    expect(new Set(lists)).toEqual(new Set([sqlList]))
    const index = (await describeSchema(t.db)).split('\n').find((l) => l.startsWith('CREATE INDEX incidents_open_match_idx'))
    expect(index).toContain(`status <> ALL (ARRAY[${CLOSED_STATUSES.map((s) => `'${s}'::text`).join(', ')}])`)
  })

  it('applies a changed function file on the next start, and nothing when none changed', async () => {
    expect((await migrate(t.db)).functions).toEqual([]) // the template recorded what it applied
    appendFileSync(join(dir, 'functions', 'routing.sql'), "\nCREATE OR REPLACE FUNCTION sigap_schema_probe() RETURNS int LANGUAGE sql AS 'SELECT 1';\n")
    // Two servers starting together (on PGlite, its one connection shared): both wait for the
    // lock, one applies the files, the other finds them current.
    const second = t.url ? await connect({ databaseUrl: t.url, dataDir: '' }) : t
    const results = await Promise.all([migrate(t.db, dir), migrate(second.db, dir)])
    if (second !== t) await second.close()
    expect(results.map((r) => r.applied)).toEqual([[], []])
    const files = readdirSync(join(dir, 'functions')).sort()
    expect(results.map((r) => r.functions).sort()).toEqual([[], files])
    expect(await probe(t)).toBe(1)
    const { n } = (await sql<{ n: number }>`SELECT sigap_schema_probe() AS n`.execute(t.db)).rows[0]!
    expect(n).toBe(1)
    expect((await migrate(t.db, dir)).functions).toEqual([])
    // Back to the repository's files: they differ from what was applied last, so all run again.
    expect((await migrate(t.db)).functions).toContain('routing.sql')
  })
})
