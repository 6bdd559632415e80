import { Kysely } from 'kysely'
import pg from 'pg'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Database } from './database.js'
import { PGliteDialect } from './pglite-dialect.js'
import { pipelinedPostgres } from './pipelined-dialect.js'

export type DbKind = 'pglite' | 'postgres'

export interface Db {
  kind: DbKind
  db: Kysely<Database>
  /** The embedded database itself (PGlite only), for dumping its data directory. */
  pglite?: import('@electric-sql/pglite').PGlite
  /** Calls back on every NOTIFY on the channel, from any process on the same database, with its payload. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>
  close(): Promise<void>
}

export interface ConnectOptions {
  databaseUrl?: string | undefined
  /** Folder for the embedded database; `memory://` keeps it in memory (tests). */
  dataDir: string
  poolSize?: number
  /** Start the embedded database from a dumped data directory (tests load a migrated template). */
  loadDataDir?: Blob
}

// int8 (event sequence numbers, counts) as JS numbers on both drivers; they stay far below 2^53.
const INT8 = 20
const NUMERIC = 1700
pg.types.setTypeParser(INT8, (v) => Number(v))
pg.types.setTypeParser(NUMERIC, (v) => Number(v))

export async function connect(opts: ConnectOptions): Promise<Db> {
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl, opts.poolSize ?? 20) : connectPGlite(opts.dataDir, opts.loadDataDir)
}

async function connectPostgres(url: string, max: number): Promise<Db> {
  const { pool, dialect } = pipelinedPostgres(url, max)
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const db = new Kysely<Database>({ dialect })
  const listeners: pg.Client[] = []
  return {
    kind: 'postgres',
    db,
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => {})
      await client.connect()
      client.on('notification', (n) => {
        if (n.channel === channel) onNotify(n.payload ?? '')
      })
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      listeners.push(client)
      return async () => {
        listeners.splice(listeners.indexOf(client), 1)
        await client.end().catch(() => {})
      }
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => {})))
      await db.destroy()
    },
  }
}

const PGLITE_PARSERS = { [INT8]: (v: string) => Number(v), [NUMERIC]: (v: string) => Number(v) }

async function connectPGlite(dataDir: string, loadDataDir?: Blob): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { postgis } = await import('@electric-sql/pglite-postgis')
  // migrations/0006_intake.sql creates btree_gist (for an index 0007 replaced; migrations that
  // ran are not edited, so a new database still needs it).
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist')
  let dir: string | undefined
  if (dataDir !== 'memory://') {
    dir = resolve(dataDir, 'pglite')
    mkdirSync(dir, { recursive: true })
  }
  const pglite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: { postgis, btree_gist },
    parsers: PGLITE_PARSERS,
  })
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  return {
    kind: 'pglite',
    db,
    pglite,
    async listen(channel, onNotify) {
      // One process owns an embedded database, so its own NOTIFYs are all there is.
      const unsub = await pglite.listen(channel, (payload) => onNotify(payload))
      return unsub
    },
    async close() {
      await db.destroy()
    },
  }
}
