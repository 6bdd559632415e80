import { sql, type Kysely } from 'kysely'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import type { Database } from '../server/db/database.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { EventFeed } from '../server/events/event.feed.js'
import type { Deps } from '../server/http/context.js'
import { createLogger } from '../server/logger.js'
import { INTAKE_STEPS } from '../server/reports/intake.steps.js'
import { routeTicketStep } from '../server/tickets/ticket.intake.js'
import { intakeReport } from '../server/reports/report.service.js'
import { cpuSeconds, freshDb, throughput, type Bench, type BenchContext, type BenchFigure } from './lib.js'

// Intake cost with incident matching, on a table of 1,000,000 reports (SIGAP_BENCH_SCALE=0.05
// for a quick run), against the same intake without the matching step, in the same run.

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const REPORTS = Math.max(10_000, Math.round(1_000_000 * SCALE))
const INTAKES = Math.max(400, Math.round(3000 * SCALE))
const CONCURRENCY = 16
const ROUNDS = 3

const CATEGORIES = ['jalan_rusak', 'sampah', 'banjir', 'drainase', 'listrik_padam', 'penerangan_jalan', 'kemacetan', 'air_bersih', 'pohon_tumbang', 'lainnya']

interface Area {
  x0: number
  y0: number
  dx: number
  dy: number
}

/**
 * Bulk history in one pass of generate_series: 60 % as many incidents as reports (half of
 * them closed), and reports that belong to them, over 30 days.
 */
async function bulkLoad(db: Kysely<Database>, a: Area, reports: number): Promise<void> {
  const incidents = Math.round(reports * 0.6)
  const cats = `{${CATEGORIES.join(',')}}`
  await sql`
    INSERT INTO incidents (id, category_code, status, location, report_count, channels, first_reported_at, last_reported_at, created_at, updated_at)
    SELECT md5('inc' || g)::uuid, (${cats}::text[])[1 + g % ${CATEGORIES.length}],
           CASE WHEN g % 2 = 0 THEN 'closed' ELSE 'new' END,
           ST_SetSRID(ST_MakePoint(${a.x0}::float8 + random() * ${a.dx}::float8, ${a.y0}::float8 + random() * ${a.dy}::float8), 4326),
           0, '{app}', t, t, t, t
    FROM generate_series(1, ${incidents}::int) g, LATERAL (SELECT now() - random() * interval '30 days' + g * interval '0 s' AS t) tt`.execute(db)
  await sql`
    INSERT INTO reports (channel, category_code, description, location, reported_at, received_at, incident_id)
    SELECT (ARRAY['app','whatsapp','call_center','lapor'])[1 + g % 4], i.category_code, 'bulk ' || g,
           ST_SetSRID(ST_MakePoint(ST_X(i.location) + (random() - 0.5) * 0.0004, ST_Y(i.location) + (random() - 0.5) * 0.0004), 4326),
           i.first_reported_at, i.first_reported_at, i.id
    FROM generate_series(1, ${reports}::int) g JOIN incidents i ON i.id = md5('inc' || (1 + g % ${incidents}::int))::uuid`.execute(db)
  await sql`
    UPDATE incidents i SET report_count = s.n FROM (SELECT incident_id, count(*)::int AS n FROM reports GROUP BY 1) s
    WHERE s.incident_id = i.id`.execute(db)
  // Vacuumed now so that autovacuum of the bulk load does not run during the measured rounds.
  await sql`VACUUM (ANALYZE)`.execute(db)
}

async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const fresh = await freshDb(ctx, 'incidents')
  const db = fresh.db
  const feed = new EventFeed(db)
  try {
    await seedDemoArea(db.db)
    const ext = (await sql<{ x0: number; y0: number; x1: number; y1: number }>`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (SELECT ST_Extent(geom) AS e FROM regions) s`.execute(db.db)).rows[0]!
    const area: Area = { x0: ext.x0, y0: ext.y0, dx: ext.x1 - ext.x0, dy: ext.y1 - ext.y0 }
    let t0 = performance.now()
    await bulkLoad(db.db, area, REPORTS)
    ctx.log(`bulk-loaded ${REPORTS} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

    await feed.start()
    const deps: Deps = {
      db,
      config: loadConfig({ SIGAP_DEMO: '0', SIGAP_LOG: 'silent', DATABASE_URL: fresh.url }),
      feed,
      categories: new CategoryCatalog(db.db),
      log: createLogger('silent'),
      authenticate: async () => null,
    }
    let n = 0
    let matching = true
    const intake = async () => {
      const i = n++
      // Points all over the area: some land near an open incident of their category and join it.
      await intakeReport(
        deps,
        {
          channel: 'app',
          category: CATEGORIES[i % CATEGORIES.length]!,
          description: `bench ${i}`,
          location: { lat: area.y0 + Math.random() * area.dy, lon: area.x0 + Math.random() * area.dx },
        },
        null,
        { matching },
      )
    }
    // Three intakes: without matching (the baseline), with matching, and as shipped (matching and
    // then the ticket routing of a new incident, which without an incident has nothing to do).
    const steps = [...INTAKE_STEPS]
    const variants = {
      without: { matching: false, steps },
      matchOnly: { matching: true, steps: steps.filter((s) => s !== routeTicketStep) },
      shipped: { matching: true, steps },
    }
    const use = (v: (typeof variants)[keyof typeof variants]) => {
      matching = v.matching
      INTAKE_STEPS.splice(0, INTAKE_STEPS.length, ...v.steps)
    }
    // Warm every path, then alternate rounds so drift (autovacuum, cache) hits all alike.
    for (const v of Object.values(variants)) {
      use(v)
      await throughput(100, CONCURRENCY, intake)
    }
    const perRound = Math.ceil(INTAKES / ROUNDS)
    const base: number[] = []
    const matched: number[] = []
    const shipped: number[] = []
    // Where the time goes: CPU of PostgreSQL and of this process (intake code and load) per variant.
    const cpu = { without: { pg: 0, node: 0 }, matchOnly: { pg: 0, node: 0 }, shipped: { pg: 0, node: 0 } }
    const measured = async (name: keyof typeof variants, into: number[]) => {
      use(variants[name])
      const pg0 = cpuSeconds('-').postgres
      const me0 = process.cpuUsage()
      into.push(await throughput(perRound, CONCURRENCY, intake))
      const me = process.cpuUsage(me0)
      cpu[name].pg += cpuSeconds('-').postgres - pg0
      cpu[name].node += (me.user + me.system) / 1e6
    }
    for (let r = 0; r < ROUNDS; r++) {
      await measured('without', base)
      await measured('matchOnly', matched)
      await measured('shipped', shipped)
    }
    const cpuNote = (name: keyof typeof cpu) =>
      `CPU per report: PostgreSQL ${((cpu[name].pg * 1000) / (perRound * ROUNDS)).toFixed(2)} ms, intake code and load ${((cpu[name].node * 1000) / (perRound * ROUNDS)).toFixed(2)} ms`
    use(variants.shipped)
    const msPer = (xs: number[]) => (1000 * xs.length) / xs.reduce((s, x) => s + x, 0)
    const joined = (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM reports r JOIN incidents i ON i.id = r.incident_id
      WHERE r.description LIKE 'bench %' AND i.report_count > 1`.execute(db.db)).rows[0]!.n
    t0 = performance.now()
    const baseline = { name: 'the same intake without the matching step (report, location check, event)', value: msPer(base), unit: 'ms/report' }
    return [
      {
        name: `intake with incident matching, ${REPORTS} reports stored, ${CONCURRENCY} concurrent, ${perRound * ROUNDS} reports per variant`,
        value: msPer(matched),
        unit: 'ms/report',
        baseline,
        ratio: msPer(matched) / msPer(base),
        note: `aim < 1.3; ${joined} bench reports joined an existing incident; in-process service calls, PostgreSQL on the same 2 cores; ${cpuNote('matchOnly')} (without matching: ${cpuNote('without')})`,
      },
      {
        name: 'intake as shipped: matching, then routing the new tickets (agency, SLA clocks, history)',
        value: msPer(shipped),
        unit: 'ms/report',
        baseline,
        ratio: msPer(shipped) / msPer(base),
        note: `the ticket step has work only when matching opened an incident; ${cpuNote('shipped')}`,
      },
    ]
  } finally {
    await feed.stop()
    await fresh.close()
  }
}

const bench: Bench = { name: 'incidents: matching on intake', run }
export default bench
