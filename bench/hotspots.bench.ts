import { sql, type Kysely } from 'kysely'
import type { Database } from '../server/db/database.js'
import { clusterParams } from '../server/hotspots/hotspot.params.js'
import { bareDbscan } from '../server/hotspots/hotspot.repository.js'
import { computeHotspots } from '../server/hotspots/hotspot.service.js'
import { standardWindow, windowLengthMs } from '../server/hotspots/hotspot.window.js'
import { freshDb, type Bench, type BenchContext, type BenchFigure } from './lib.js'

// Hotspot recomputation over 1,000,000 reports in 30 days (SIGAP_BENCH_SCALE=0.05 for a quick
// run), beside the bare ST_ClusterDBSCAN query over the same reports in the same run.

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const REPORTS = Math.max(20_000, Math.round(1_000_000 * SCALE))
const CLUSTERS = 200
const CATEGORIES = ['jalan_rusak', 'sampah', 'banjir', 'drainase', 'listrik_padam', 'penerangan_jalan', 'kemacetan', 'air_bersih', 'pohon_tumbang', 'lainnya']

/** Jakarta-sized area: 70 % of reports spread evenly, 30 % around 200 centres (about 100 m spread). */
async function bulkLoad(db: Kysely<Database>, n: number): Promise<void> {
  await sql`SELECT setseed(0.42)`.execute(db)
  await sql`
    INSERT INTO reports (channel, category_code, description, location, reported_at, received_at)
    SELECT 'app', (${`{${CATEGORIES.join(',')}}`}::text[])[1 + (g * 7 + c) % ${CATEGORIES.length}], 'bulk',
           ST_SetSRID(ST_MakePoint(x, y), 4326), t, t
    FROM generate_series(1, ${n}::int) g,
    LATERAL (SELECT g % ${CLUSTERS} AS c, now() - random() * interval '30 days' AS t) a,
    LATERAL (SELECT
      CASE WHEN g % 10 < 3 THEN 106.72 + (a.c * 0.6180339887 % 1) * 0.22 + (random() + random() + random() - 1.5) * 0.0015
           ELSE 106.69 + random() * 0.28 END AS x,
      CASE WHEN g % 10 < 3 THEN -6.34 + (a.c * 0.7548776662 % 1) * 0.2 + (random() + random() + random() - 1.5) * 0.0015
           ELSE -6.37 + random() * 0.27 END AS y) p`.execute(db)
  await sql`ANALYZE reports`.execute(db)
}

async function timed<T>(f: () => Promise<T>): Promise<{ s: number; value: T }> {
  const t0 = performance.now()
  const value = await f()
  return { s: (performance.now() - t0) / 1000, value }
}

/** The faster of two runs (the first also warms the cache). */
async function best<T>(f: () => Promise<T>): Promise<{ s: number; value: T }> {
  const a = await timed(f)
  const b = await timed(f)
  return a.s <= b.s ? a : b
}

async function run(ctx: BenchContext): Promise<BenchFigure[]> {
  const fresh = await freshDb(ctx, 'hotspots')
  const db = fresh.db.db
  try {
    let t0 = performance.now()
    await bulkLoad(db, REPORTS)
    ctx.log(`bulk-loaded ${REPORTS} reports in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const w = standardWindow('30d')
    const p = clusterParams(windowLengthMs(w))
    t0 = performance.now()
    const full = await best(() => computeHotspots(db, w, { byCategory: true }))
    const allOnly = await best(() => computeHotspots(db, w, { byCategory: false }))
    // The bare query with the same eps and the same min points the recomputation chose for "all".
    const minPoints = (await sql<{ m: number }>`
      SELECT greatest(${p.min_points}::int, ceil(${p.density_factor}::float8 * s.n * pi() * (${p.eps_m / 1000}::float8) ^ 2 /
        greatest(${p.min_area_km2}::float8, (ST_XMax(e) - ST_XMin(e)) * 111.32 * cos(radians((ST_YMin(e) + ST_YMax(e)) / 2)) * (ST_YMax(e) - ST_YMin(e)) * 110.574)))::int AS m
      FROM (SELECT count(*) AS n, ST_Extent(location) AS e FROM reports WHERE reported_at >= ${w.from.toISOString()}::timestamptz) s`.execute(db)).rows[0]!.m
    const bare = await best(() => bareDbscan(db, w, p.eps_m, minPoints))
    const day = await best(() => computeHotspots(db, standardWindow('24h'), { byCategory: true }))
    ctx.log(`measured in ${((performance.now() - t0) / 1000).toFixed(1)} s; min points ${minPoints}, eps ${p.eps_m} m`)
    const baseline = { name: `bare ST_ClusterDBSCAN over the same window (eps ${p.eps_m} m, min points ${minPoints})`, value: bare.s, unit: 's' }
    return [
      {
        name: `hotspot recomputation, 30 days, ${REPORTS} reports, all + per category (what the scheduler stores)`,
        value: full.s,
        unit: 's',
        baseline,
        ratio: full.s / bare.s,
        note: `${full.value.all.length} hotspots across all, ${Object.values(full.value.by_category).flat().length} per category; bare query found ${bare.value} clusters`,
      },
      {
        name: `hotspot recomputation, 30 days, all categories only`,
        value: allOnly.s,
        unit: 's',
        baseline,
        ratio: allOnly.s / bare.s,
        note: 'hulls, centres, categories, regions and trend against the previous 30 days included',
      },
      { name: 'hotspot recomputation, last 24 h, all + per category', value: day.s, unit: 's', note: `${day.value.all.length} hotspots` },
    ]
  } finally {
    await fresh.close()
  }
}

const bench: Bench = { name: 'hotspots: recomputation vs bare DBSCAN', run }
export default bench
