import { serve } from '@hono/node-server'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import { connect } from '../server/db/connect.js'
import { EventFeed } from '../server/events/event.feed.js'
import { createApiApp } from '../server/app.js'
import { createLogger } from '../server/logger.js'

// The API as a server of its own for benchmarks (DATABASE_URL, PORT): the same app, intake
// and event feed as `npm start`, without the background jobs (hotspot recomputation, SLA
// checks) that would otherwise run over the benchmark's million reports while it measures.
// `--no-matching` stores reports without incident matching: the baseline that matching's cost
// is measured against (an argument, not an environment variable, so that it shows in the
// process's command line, by which the benchmark tells the two servers' CPU apart).
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
  intake: { matching: !process.argv.includes('--no-matching') },
})
serve({ fetch: app.fetch, port: config.PORT, hostname: '127.0.0.1' }, () => console.log('sigap is serving'))
// Exits by process.exit, so that `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0))
