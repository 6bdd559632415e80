import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { connect } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'

export const TMP = join(import.meta.dirname, '../../.tmp')

/**
 * PGlite: a migrated data directory dumped to a tarball, loaded by each test file (much
 * faster than loading PostGIS and migrating each time). PostgreSQL: a migrated template
 * database that each test file clones with CREATE DATABASE ... TEMPLATE.
 */
export async function prepareTemplate(): Promise<string> {
  const url = process.env.DATABASE_URL
  if (url) {
    const name = `sigap_tpl_${process.pid}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${name}`)
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const db = await connect({ databaseUrl: withDatabase(url, name), dataDir: '' })
    await migrate(db.db)
    await db.close()
    return name
  }
  const db = await connect({ dataDir: 'memory://' })
  await migrate(db.db)
  const dump = await db.pglite!.dumpDataDir('none')
  mkdirSync(TMP, { recursive: true })
  const file = join(TMP, `pglite-template-${process.pid}.tar`)
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
  await db.close()
  return file
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}
