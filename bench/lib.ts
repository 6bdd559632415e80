import pg from 'pg'
import { connect, type Db } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { withDatabase } from '../tests/helpers/template.js'

export interface BenchContext {
  /** PostgreSQL server URL (a database of the bench's own is created from it). */
  databaseUrl: string
  log: (msg: string) => void
}

export interface BenchFigure {
  name: string
  value: number
  unit: string
  /** The same-run baseline this figure is compared with, and their ratio. */
  baseline?: { name: string; value: number; unit: string }
  ratio?: number
  note?: string
}

export interface Bench {
  name: string
  run(ctx: BenchContext): Promise<BenchFigure[]>
}

/** A fresh, migrated PostgreSQL database for one benchmark; dropped by the returned close(). */
export async function freshDb(ctx: BenchContext, name: string): Promise<{ db: Db; url: string; close(): Promise<void> }> {
  const dbName = `sigap_bench_${name}_${process.pid}`
  const admin = new pg.Client({ connectionString: ctx.databaseUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const url = withDatabase(ctx.databaseUrl, dbName)
  const db = await connect({ databaseUrl: url, dataDir: '', poolSize: 40 })
  await migrate(db.db)
  return {
    db,
    url,
    async close() {
      await db.close()
      const a = new pg.Client({ connectionString: ctx.databaseUrl })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await a.end()
    },
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

/** Runs `task` from `concurrency` workers until `total` tasks are done; returns tasks per second. */
export async function throughput(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++)
    }),
  )
  return total / ((performance.now() - t0) / 1000)
}
