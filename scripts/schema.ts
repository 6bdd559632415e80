// Writes migrations/schema.sql: the schema a fresh database has after every migration and the
// function definitions (embedded PGlite; tests/schema.test.ts checks PostgreSQL gives the same).
import { writeFileSync } from 'node:fs'
import { connect } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { describeSchema, SCHEMA_FILE } from '../server/db/schema.js'

const db = await connect({ dataDir: 'memory://' })
try {
  await migrate(db.db)
  writeFileSync(SCHEMA_FILE, await describeSchema(db.db))
  console.log(`wrote ${SCHEMA_FILE}`)
} finally {
  await db.close()
}
