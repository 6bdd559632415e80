import type { Hono } from 'hono'
import type { Deps } from '../http/context.js'
import type { AppEnv } from '../http/context.js'
import { countRegions } from '../regions/region.repository.js'
import { importRegionsFile } from '../regions/region.import.js'
import type { ReportInput } from '../reports/report.schema.js'
import { countMapFeatures } from '../mapfeatures/map-feature.repository.js'
import { DEMO_KABUPATEN, seedDemoArea } from './demo.area.js'
import { seedDemoFeatures } from './demo.features.js'
import { startDemoAgencies } from './demo.agencies.js'
import { replayDemoWeek } from './demo.history.js'
import { DemoSimulator } from './demo.simulator.js'

export interface DemoRun {
  /** Starts the live reports and the agencies working them. */
  start(): void
  stop(): void
  /** What the start-up message says about the live reports. */
  describe(): string
}

/** Boundaries: the generated demo regency, or the file in SIGAP_REGIONS (first start only). */
export async function setupDemoArea(deps: Deps): Promise<void> {
  const { db, config, log } = deps
  const regions = await countRegions(db.db)
  if (regions.total === 0) {
    if (config.SIGAP_REGIONS) {
      const res = await importRegionsFile(db.db, config.SIGAP_REGIONS)
      log.info(`imported ${res.imported} regions from ${config.SIGAP_REGIONS}`)
    } else {
      const n = await seedDemoArea(db.db)
      log.info(`created the demo area "Kabupaten Contoh (DEMO)" with ${n} regions, roads, rivers and landmarks`)
    }
  } else if (regions.demo > 0 && (await countMapFeatures(db.db)) === 0) {
    // A demo created before roads and landmarks existed gets them now.
    await seedDemoFeatures(db.db, DEMO_KABUPATEN)
  }
}

/**
 * Makes a fresh command center useful at once: a week of history at the live pace, then (on
 * `start`) a stream of reports posted through the same HTTP intake a real channel uses, and
 * the agencies and command room working them.
 */
export async function setupDemo(deps: Deps, app: Hono<AppEnv>): Promise<DemoRun | null> {
  const { db, config, log } = deps
  const post = async (input: ReportInput) => {
    const res = await app.request('/api/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    if (res.status >= 300) throw new Error(`demo report refused: ${res.status} ${await res.text()}`)
  }
  const perDay = config.SIGAP_DEMO_PER_DAY
  const rate = config.SIGAP_DEMO_RATE
  const sim = new DemoSimulator(db.db, { perDay, ratePerSecond: rate, post, onError: (e) => log.error(`demo: ${(e as Error).message}`) })
  if (!(await sim.init())) return null
  const count = await db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  if (Number(count.n) === 0) {
    // The week runs at the live pace (a load demo's rate would bury the week under today).
    const n = await sim.backfill()
    const week = await replayDemoWeek(deps)
    log.info(`demo: a week of history, ${n} reports; ${week.tickets} tickets worked by the agencies (${week.moves} status changes), ${week.disputes} location disputes settled`)
  }
  let stopAgencies: (() => void) | null = null
  return {
    start() {
      sim.start()
      stopAgencies = startDemoAgencies(deps)
    },
    stop() {
      sim.stop()
      stopAgencies?.()
    },
    describe: () =>
      rate === undefined
        ? `demo simulator: about ${perDay} reports a day, more by day than by night, with bursts (SIGAP_DEMO_RATE=N for a steady N a second; SIGAP_DEMO=0 turns it off)`
        : `demo simulator: a steady ${rate} reports a second (load demo; unset SIGAP_DEMO_RATE for the daily rhythm)`,
  }
}
