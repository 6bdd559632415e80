import type { Hono } from 'hono'
import type { Deps } from '../http/context.js'
import type { AppEnv } from '../http/context.js'
import { countRegions } from '../regions/region.repository.js'
import { importRegionsFile } from '../regions/region.import.js'
import type { ReportInput } from '../reports/report.schema.js'
import { seedDemoArea } from './demo.area.js'
import { replayDemoWeek } from './demo.history.js'
import { DemoSimulator } from './demo.simulator.js'
import { rng } from './random.js'

/**
 * Makes a fresh command center useful at once: boundaries (the generated demo regency, or
 * the file in SIGAP_REGIONS), a week of history, and a stream of reports posted through
 * the same HTTP intake a real channel uses.
 */
export async function setupDemo(deps: Deps, app: Hono<AppEnv>): Promise<DemoSimulator | null> {
  const { db, config, log } = deps
  const regions = await countRegions(db.db)
  if (regions.total === 0) {
    if (config.SIGAP_REGIONS) {
      const res = await importRegionsFile(db.db, config.SIGAP_REGIONS)
      log.info(`imported ${res.imported} regions from ${config.SIGAP_REGIONS}`)
    } else {
      const n = await seedDemoArea(db.db)
      log.info(`created the demo area "Kabupaten Contoh (DEMO)" with ${n} regions`)
    }
  }
  const post = async (input: ReportInput) => {
    const res = await app.request('/api/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    if (res.status >= 300) throw new Error(`demo report refused: ${res.status} ${await res.text()}`)
  }
  const sim = new DemoSimulator(db.db, { ratePerSecond: config.SIGAP_DEMO_RATE, post, onError: (e) => log.error(`demo: ${(e as Error).message}`) })
  if (!(await sim.init())) return null
  const count = await db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  if (Number(count.n) === 0) {
    log.info('demo: adding a week of history (300 reports)')
    await sim.backfill(300)
    const week = await replayDemoWeek(deps, rng(2026))
    log.info(`demo: ${week.tickets} tickets of that week worked by the agencies (${week.moves} status changes), ${week.disputes} location disputes settled`)
  }
  sim.start()
  return sim
}
