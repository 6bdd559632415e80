import { sql, type Kysely } from 'kysely'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import type { Database } from '../server/db/database.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { EventFeed } from '../server/events/event.feed.js'
import type { Deps } from '../server/http/context.js'
import { createLogger } from '../server/logger.js'
import { intakeReport } from '../server/reports/report.service.js'
import { useIntakeMode, type IntakeMode } from './intake-modes.js'
import { freshDb, inRounds, jsonPoster, spawnServer, throughput, WARM_UP, type Bench, type BenchContext, type BenchFigure, type Measured, type Way } from './lib.js'

// Intake cost with incident matching, on a table of 1,000,000 reports (SIGAP_BENCH_SCALE=0.05
// for a quick run), in the same run against the same intake without matching (every report
// opens an incident of its own, as it would in a system that does not merge duplicates) and
// against intake without incidents at all: over HTTP (POST /api/reports, what issue 2 calls
// intake), and as in-process service calls (the database's and the intake code's share alone).

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const REPORTS = Math.max(10_000, Math.round(1_000_000 * SCALE))
const INTAKES = Math.max(400, Math.round(3000 * SCALE))
const CONCURRENCY = 16

const CATEGORIES = ['jalan_rusak', 'sampah', 'banjir', 'drainase', 'listrik_padam', 'penerangan_jalan', 'kemacetan', 'air_bersih', 'pohon_tumbang', 'lainnya']

interface Area {
  x0: number
  y0: number
  dx: number
  dy: number
}

/**
 * Bulk history in one pass of generate_series: 60 % as many incidents as reports (half of
 * them closed, every category alike), and reports that belong to them, over 30 days. Report g
 * belongs to incident 1 + g % incidents, so each incident's report count is known when it is
 * inserted: a bulk UPDATE of every incident afterwards would leave each of its ten indexes
 * with a dead entry per row (half-empty pages after VACUUM), a state intake never makes.
 */
async function bulkLoad(db: Kysely<Database>, a: Area, reports: number): Promise<void> {
  const incidents = Math.round(reports * 0.6)
  const cats = `{${CATEGORIES.join(',')}}`
  await sql`
    INSERT INTO incidents (id, category_code, status, location, report_count, channels, first_reported_at, last_reported_at, created_at, updated_at)
    SELECT md5('inc' || g)::uuid, (${cats}::text[])[1 + g % ${CATEGORIES.length}],
           CASE WHEN (g / ${CATEGORIES.length}) % 2 = 0 THEN 'closed' ELSE 'new' END,
           ST_SetSRID(ST_MakePoint(${a.x0}::float8 + random() * ${a.dx}::float8, ${a.y0}::float8 + random() * ${a.dy}::float8), 4326),
           -- reports g in 1..R with g % I = g0 % I, where g0 is the smallest such g
           (${reports}::int - g0) / ${incidents}::int + 1, '{app}', t, t, t, t
    FROM generate_series(1, ${incidents}::int) g,
         LATERAL (SELECT CASE WHEN g = 1 THEN ${incidents}::int ELSE g - 1 END AS g0) first,
         LATERAL (SELECT now() - random() * interval '30 days' + g * interval '0 s' AS t) tt`.execute(db)
  await sql`
    INSERT INTO reports (channel, category_code, description, location, reported_at, received_at, incident_id)
    SELECT (ARRAY['app','whatsapp','call_center','lapor'])[1 + g % 4], i.category_code, 'bulk ' || g,
           ST_SetSRID(ST_MakePoint(ST_X(i.location) + (random() - 0.5) * 0.0004, ST_Y(i.location) + (random() - 0.5) * 0.0004), 4326),
           i.first_reported_at, i.first_reported_at, i.id
    FROM generate_series(1, ${reports}::int) g JOIN incidents i ON i.id = md5('inc' || (1 + g % ${incidents}::int))::uuid`.execute(db)
  // Vacuumed now so that autovacuum of the bulk load does not run during the measured rounds.
  await sql`VACUUM (ANALYZE)`.execute(db)
}

const randomReport = (a: Area, i: number) => ({
  channel: 'app' as const,
  category: CATEGORIES[i % CATEGORIES.length]!,
  description: `bench ${i}`,
  // Points all over the area: some land near an open incident of their category and join it.
  location: { lat: a.y0 + Math.random() * a.dy, lon: a.x0 + Math.random() * a.dx },
})

type Variant = IntakeMode
const VARIANTS: Variant[] = ['none', 'one_per_report', 'matched']
const VARIANT_NAMES: Record<Variant, string> = {
  matched: 'as shipped (matching: a report joins the open incident it duplicates or opens a routed one)',
  one_per_report: 'the same intake without matching (every report opens a routed incident of its own: one report, one ticket)',
  none: 'the same intake without incidents (report, location check, event; no incident, no ticket)',
}

/**
 * Two figures from the variants' measurements: matching's cost (against one incident per report,
 * the aim of issue 3) and the cost of incidents and tickets altogether (against none).
 */
function figures(how: string, m: Record<Variant, Measured>, note: (c: Measured['cpuMs']) => string): BenchFigure[] {
  const msPer = (v: Variant) => 1000 / m[v].rate
  const versus = (base: Variant, aim: string): BenchFigure => ({
    name: `${how} ${VARIANT_NAMES.matched}, ${REPORTS} reports stored, ${CONCURRENCY} concurrent, ${INTAKES} reports per variant`,
    value: msPer('matched'),
    unit: 'ms/report',
    baseline: { name: VARIANT_NAMES[base], value: msPer(base), unit: 'ms/report' },
    ratio: msPer('matched') / msPer(base),
    note: `${aim}CPU per report: ${VARIANTS.map((v) => `${v}: ${note(m[v].cpuMs)}`).join('; ')}`,
  })
  return [versus('one_per_report', 'aim < 1.3 (what matching adds); '), versus('none', 'what incidents, tickets and matching add together; ')]
}

/** The variants as ways for inRounds, each from a maker given the variant. */
const variants = (way: (v: Variant) => Way) => Object.fromEntries(VARIANTS.map((v) => [v, way(v)])) as Record<Variant, Way>

/**
 * POST /api/reports to servers storing reports each way (bench/intake-server.ts), on the same
 * database. One server runs at a time, started and warmed for each round: an idle one's event
 * feed would read the other's events meanwhile.
 */
async function overHttp(ctx: BenchContext, url: string, a: Area): Promise<BenchFigure[]> {
  const port = 19_000 + (process.pid % 1000)
  const env = { DATABASE_URL: url, SIGAP_DEMO: '0', SIGAP_LOG: 'error', PORT: String(port) }
  let n = 0
  const m = await inRounds(
    variants((v) => {
      // The argument tells the server what to do, and its command line which CPU is whose.
      const arg = `--incidents=${v}`
      let server: Awaited<ReturnType<typeof spawnServer>> | null = null
      let poster: ReturnType<typeof jsonPoster> | null = null
      const task = async () => {
        const status = await poster!.post('/api/reports', randomReport(a, n++))
        if (status !== 201) throw new Error(`intake answered ${status}`)
      }
      return {
        mark: arg,
        concurrency: CONCURRENCY,
        task,
        async open() {
          server = await spawnServer(['bench/intake-server.ts', arg], env)
          poster = jsonPoster(server.url, CONCURRENCY)
          await throughput(WARM_UP, CONCURRENCY, task)
        },
        async close() {
          poster?.close()
          await server?.close()
        },
      }
    }),
    INTAKES,
  )
  ctx.log(`over HTTP, reports/s: ${VARIANTS.map((v) => `${v} ${m[v].rate.toFixed(0)}`).join(', ')}`)
  return figures('intake over HTTP (POST /api/reports, the server in a process of its own)', m, (c) => `server ${c.server.toFixed(2)} ms, PostgreSQL ${c.postgres.toFixed(2)} ms`)
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
    const t0 = performance.now()
    await bulkLoad(db.db, area, REPORTS)
    ctx.log(`bulk-loaded ${REPORTS} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const http = await overHttp(ctx, fresh.url, area)

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
    const m = await inRounds(
      variants((v) => ({
        // This process: CPU of PostgreSQL, and of this process (intake code and load) as `self`.
        mark: '-',
        concurrency: CONCURRENCY,
        // The ways run in turn, never together: each sets the mode of this process's intakes.
        task: async () => {
          useIntakeMode(v)
          await intakeReport(deps, randomReport(area, n++), null)
        },
      })),
      INTAKES,
    )
    const joined = (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM reports r JOIN incidents i ON i.id = r.incident_id
      WHERE r.description LIKE 'bench %' AND i.report_count > 1`.execute(db.db)).rows[0]!.n
    ctx.log(`${joined} bench reports joined an existing incident`)
    return [
      ...http,
      ...figures('in-process intake (service calls; PostgreSQL on the same 2 cores)', m, (c) => `PostgreSQL ${c.postgres.toFixed(2)} ms, intake code and load ${c.self.toFixed(2)} ms`),
    ]
  } finally {
    await feed.stop()
    await fresh.close()
  }
}

const bench: Bench = { name: 'incidents: matching on intake', run }
export default bench
