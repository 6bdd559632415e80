import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import { migrate } from '../db/migrate.js'
import { statusCounts } from './location.repository.js'
import { recheckLocations } from './location.recheck.js'

/**
 * `npm run sigap -- check-locations [--batch N]`: re-checks every stored report against the
 * boundaries as they are now (run it after `regions import`) and prints what changed.
 */
export async function checkLocationsCommand(config: Config, db: Db, opts: { batch?: string | undefined }): Promise<number> {
  const batchSize = opts.batch === undefined ? 5000 : Number(opts.batch)
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    console.error('--batch must be a whole number from 1 to 100000')
    return 2
  }
  await migrate(db.db)
  const t0 = Date.now()
  const r = await recheckLocations({ db, config }, {
    batchSize,
    onBatch: (p) => process.stderr.write(`\rchecked ${p.checked} reports, ${p.changed} changed`),
  })
  process.stderr.write('\n')
  const s = (Date.now() - t0) / 1000
  console.log(`checked ${r.checked} reports in ${s.toFixed(1)} s (${Math.round(r.checked / Math.max(s, 0.001))} reports/s); ${r.changed} changed`)
  for (const [k, v] of Object.entries(r.transitions).sort((a, b) => b[1] - a[1])) console.log(`  ${k}: ${v}`)
  console.log(`reports whose region changed: ${r.regionChanged}`)
  console.log(`disputes opened: ${r.disputesOpened}, cleared: ${r.disputesCleared}`)
  const now = await statusCounts(db.db)
  console.log(`now: ${Object.entries(now).map(([k, v]) => `${k} ${v}`).join(', ')}`)
  return 0
}
