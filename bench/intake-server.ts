import { serve } from '@hono/node-server'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import { connect } from '../server/db/connect.js'
import { EventFeed } from '../server/events/event.feed.js'
import { createApiApp } from '../server/app.js'
import { createLogger } from '../server/logger.js'
import { INTAKE_MODES, useIntakeMode, type IntakeMode } from './intake-modes.js'

// The API as a server of its own for benchmarks (DATABASE_URL, PORT): the same app, intake
// and event feed as `npm start`, without the background jobs (hotspot recomputation, SLA
// checks) that would otherwise run over the benchmark's million reports while it measures.
// `--incidents=one_per_report` opens an incident for every report, `--incidents=none` none: the
// baselines that matching's cost is measured against (bench/intake-modes.ts). An
// argument, not an environment variable, so that it shows in the process's command line, by
// which the benchmark tells the servers' CPU apart.
const config = loadConfig()
const db = await connect({ databaseUrl: config.DATABASE_URL, dataDir: config.SIGAP_DATA_DIR })
const feed = new EventFeed(db)
await feed.start()
const log = createLogger(config.SIGAP_LOG)
const app = createApiApp({
  db,
  config,
  feed,
  categories: new CategoryCatalog(db.db),
  log,
  authenticate: async () => null,
})
useIntakeMode(incidentsArg())
function incidentsArg(): IntakeMode {
  const arg = process.argv.find((a) => a.startsWith('--incidents='))?.slice('--incidents='.length) ?? 'matched'
  if (!(INTAKE_MODES as readonly string[]).includes(arg)) throw new Error(`--incidents=${arg}: ${INTAKE_MODES.join(', ')}`)
  return arg as IntakeMode
}

serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => console.log('sigap is serving'))
// Exits by process.exit, so that `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0))
