import { sql, type Kysely } from 'kysely'
import { CategoryCatalog } from '../server/categories/category.repository.js'
import { loadConfig } from '../server/config.js'
import type { Database } from '../server/db/database.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { EventFeed } from '../server/events/event.feed.js'
import type { Deps } from '../server/http/context.js'
import { createLogger } from '../server/logger.js'
import { intakeReport, type IntakeOptions } from '../server/reports/report.service.js'
import { cpuSeconds, freshDb, jsonPoster, spawnServer, throughput, WARM_UP, type Bench, type BenchContext, type BenchFigure } from './lib.js'

// Intake cost with incident matching, on a table of 1,000,000 reports (SIGAP_BENCH_SCALE=0.05
// for a quick run), in the same run against the same intake without matching (every report
// opens an incident of its own, as it would in a system that does not merge duplicates) and
// against intake without incidents at all: over HTTP (POST /api/reports, what issue 2 calls
// intake), and as in-process service calls (the database's and the intake code's share alone).

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

type Variant = NonNullable<IntakeOptions['incidents']>
const VARIANTS: Variant[] = ['none', 'one_per_report', 'matched']
const VARIANT_NAMES: Record<Variant, string> = {
  matched: 'as shipped (matching: a report joins the open incident it duplicates or opens a routed one)',
  one_per_report: 'the same intake without matching (every report opens a routed incident of its own: one report, one ticket)',
  none: 'the same intake without incidents (report, location check, event; no incident, no ticket)',
}

/**
 * Two figures from per-variant rates: matching's cost (against one incident per report, the aim
 * of issue 3) and the cost of incidents and tickets altogether (against none).
 */
function figures(how: string, rates: Record<Variant, number[]>, reports: number, note: (v: Variant) => string): BenchFigure[] {
  const msPer = (xs: number[]) => (1000 * xs.length) / xs.reduce((s, x) => s + x, 0)
  const versus = (base: Variant, aim: string): BenchFigure => ({
    name: `${how} ${VARIANT_NAMES.matched}, ${REPORTS} reports stored, ${CONCURRENCY} concurrent, ${reports} reports per variant`,
    value: msPer(rates.matched),
    unit: 'ms/report',
    baseline: { name: VARIANT_NAMES[base], value: msPer(rates[base]), unit: 'ms/report' },
    ratio: msPer(rates.matched) / msPer(rates[base]),
    note: `${aim}CPU per report: ${VARIANTS.map((v) => `${v}: ${note(v)}`).join('; ')}`,
  })
  return [versus('one_per_report', 'aim < 1.3 (what matching adds); '), versus('none', 'what incidents, tickets and matching add together; ')]
}

/**
 * POST /api/reports to servers storing reports each way (bench/intake-server.ts), on the same
 * database, in alternating rounds so that drift hits all alike. One server runs at a time: an
 * idle one's event feed would read the other's events meanwhile.
 */
async function overHttp(ctx: BenchContext, url: string, a: Area): Promise<BenchFigure[]> {
  const port = 19_000 + (process.pid % 1000)
  const env = { DATABASE_URL: url, SIGAP_DEMO: '0', SIGAP_LOG: 'error', PORT: String(port) }
  const perRound = Math.ceil(INTAKES / ROUNDS)
  const rates: Record<Variant, number[]> = { none: [], one_per_report: [], matched: [] }
  const cpu: Record<Variant, { server: number; pg: number }> = { none: { server: 0, pg: 0 }, one_per_report: { server: 0, pg: 0 }, matched: { server: 0, pg: 0 } }
  let n = 0
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of VARIANTS) {
      // The argument tells the server what to do, and its command line which CPU is whose.
      const arg = `--incidents=${v}`
      const server = await spawnServer(['bench/intake-server.ts', arg], env)
      const poster = jsonPoster(server.url, CONCURRENCY)
      try {
        const post = async () => {
          const status = await poster.post('/api/reports', randomReport(a, n++))
          if (status !== 201) throw new Error(`intake answered ${status}`)
        }
        await throughput(WARM_UP, CONCURRENCY, post)
        const c0 = cpuSeconds(arg)
        rates[v].push(await throughput(perRound, CONCURRENCY, post))
        const c1 = cpuSeconds(arg)
        cpu[v].server += c1.server - c0.server
        cpu[v].pg += c1.postgres - c0.postgres
      } finally {
        poster.close()
        await server.close()
      }
    }
  }
  const ms = (s: number) => ((s * 1000) / (perRound * ROUNDS)).toFixed(2)
  ctx.log(`over HTTP, reports/s: ${VARIANTS.map((v) => `${v} ${rates[v].map((x) => x.toFixed(0)).join(', ')}`).join('; ')}`)
  return figures('intake over HTTP (POST /api/reports, the server in a process of its own)', rates, perRound * ROUNDS, (v) => `server ${ms(cpu[v].server)} ms, PostgreSQL ${ms(cpu[v].pg)} ms`)
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
    let variant: Variant = 'matched'
    const intake = async () => {
      await intakeReport(deps, randomReport(area, n++), null, { incidents: variant })
    }
    // Warm every path, then alternate rounds so drift (autovacuum, cache) hits all alike.
    for (const v of VARIANTS) {
      variant = v
      await throughput(WARM_UP, CONCURRENCY, intake)
    }
    const perRound = Math.ceil(INTAKES / ROUNDS)
    const rates: Record<Variant, number[]> = { none: [], one_per_report: [], matched: [] }
    // Where the time goes: CPU of PostgreSQL and of this process (intake code and load) per variant.
    const cpu: Record<Variant, { pg: number; node: number }> = { none: { pg: 0, node: 0 }, one_per_report: { pg: 0, node: 0 }, matched: { pg: 0, node: 0 } }
    for (let r = 0; r < ROUNDS; r++) {
      for (const v of VARIANTS) {
        variant = v
        const pg0 = cpuSeconds('-').postgres
        const me0 = process.cpuUsage()
        rates[v].push(await throughput(perRound, CONCURRENCY, intake))
        const me = process.cpuUsage(me0)
        cpu[v].pg += cpuSeconds('-').postgres - pg0
        cpu[v].node += (me.user + me.system) / 1e6
      }
    }
    const ms = (s: number) => ((s * 1000) / (perRound * ROUNDS)).toFixed(2)
    const joined = (await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM reports r JOIN incidents i ON i.id = r.incident_id
      WHERE r.description LIKE 'bench %' AND i.report_count > 1`.execute(db.db)).rows[0]!.n
    ctx.log(`${joined} bench reports joined an existing incident`)
    return [
      ...http,
      ...figures('in-process intake (service calls; PostgreSQL on the same 2 cores)', rates, perRound * ROUNDS, (v) => `PostgreSQL ${ms(cpu[v].pg)} ms, intake code and load ${ms(cpu[v].node)} ms`),
    ]
  } finally {
    await feed.stop()
    await fresh.close()
  }
}

const bench: Bench = { name: 'incidents: matching on intake', run }
export default bench
