import { loadConfig } from './config.js'
import { setupDemo, setupDemoArea } from './demo/demo.setup.js'
import { ensureDemoAccounts } from './demo/demo.accounts.js'
import { SCREENS, startServer } from './server.js'
import { createApiApp } from './app.js'

const started = Date.now()
let config
try {
  config = loadConfig()
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}
const running = await startServer(config)
const { deps } = running
// Demo accounts are printed before the demo's history and simulator start logging, so they
// are the last thing on the screen at start-up instead of lost under WhatsApp replies.
if (config.SIGAP_DEMO) await setupDemoArea(deps)

const where = deps.db.kind === 'pglite' ? `embedded PGlite + PostGIS in ${config.SIGAP_DATA_DIR}` : 'PostgreSQL (DATABASE_URL)'
console.log(`sigap is serving on ${running.url} (${where}), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
for (const s of SCREENS) console.log(`  ${running.url}/${s}`)
console.log(`  ${running.url}/api/health`)
if (config.SIGAP_DEMO) {
  const accounts = await ensureDemoAccounts(deps.db, config.SIGAP_DATA_DIR)
  if (accounts.length) {
    console.log(`demo accounts (sign in at ${running.url}/signin; kept in ${config.SIGAP_DATA_DIR}/demo-accounts.json):`)
    for (const a of accounts) console.log(`  ${a.username.padEnd(9)} ${a.password}  ${a.note}`)
  }
}
const sim = config.SIGAP_DEMO ? await setupDemo(deps, createApiApp(deps)) : null
if (sim) {
  console.log(sim.describe())
  sim.start()
}

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  sim?.stop()
  await running.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
