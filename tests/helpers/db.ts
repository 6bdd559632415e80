import { readFileSync } from 'node:fs'
import pg from 'pg'
import { inject } from 'vitest'
import { connect, type Db } from '../../server/db/connect.js'
import { migrate } from '../../server/db/migrate.js'
import { withDatabase } from './template.js'

export const ON_POSTGRES = Boolean(process.env.DATABASE_URL)

/** A fresh, migrated database of its own for one test file (or one test). */
export async function createTestDb(): Promise<Db & { url?: string }> {
  const template = inject('dbTemplate')
  const url = process.env.DATABASE_URL
  if (url) {
    const name = `sigap_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
    await admin.end()
    const dbUrl = withDatabase(url, name)
    const db: Db & { url?: string } = await connect({ databaseUrl: dbUrl, dataDir: '', poolSize: 10 })
    db.url = dbUrl
    const close = db.close.bind(db)
    db.close = async () => {
      await close()
      const a = new pg.Client({ connectionString: url })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await a.end()
    }
    return db
  }
  const db = await connect({ dataDir: 'memory://', loadDataDir: new Blob([readFileSync(template)]) })
  await migrate(db.db) // applies only migrations newer than the template (none, normally)
  return db
}
