import { connect } from '../server/db/connect.js'
import { sql } from 'kysely'

// The baseline for start-up time: boot the embedded database with PostGIS and nothing else.
const db = await connect({ dataDir: process.env.SIGAP_DATA_DIR ?? './data' })
await sql`CREATE EXTENSION IF NOT EXISTS postgis`.execute(db.db)
console.log('booted')
await db.close()
