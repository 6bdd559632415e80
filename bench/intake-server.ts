import { serve } from '@hono/node-server'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import { connect } from '../server/db/connect.js'
import { EventFeed } from '../server/events/event.feed.js'
import { createApiApp } from '../server/app.js'
import { createLogger } from '../server/logger.js'
import type { IntakeOptions } from '../server/reports/report.service.js'

// The API as a server of its own for benchmarks (DATABASE_URL, PORT): the same app, intake
// and event feed as `npm start`, without the background jobs (hotspot recomputation, SLA
// checks) that would otherwise run over the benchmark's million reports while it measures.
// `--incidents=one_per_report` opens an incident for every report, `--incidents=none` none: the
// baselines that matching's cost is measured against (IntakeOptions in report.service.ts). An
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
  intake: { incidents: incidentsArg() },
})
function incidentsArg(): IntakeOptions['incidents'] {
  const arg = process.argv.find((a) => a.startsWith('--incidents='))?.slice('--incidents='.length) ?? 'matched'
  if (arg !== 'matched' && arg !== 'one_per_report' && arg !== 'none') throw new Error(`--incidents=${arg}: matched, one_per_report or none`)
  return arg
}

serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => console.log('sigap is serving'))
// Exits by process.exit, so that `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0))
