import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database, Executor } from '../db/database.js'
import { M_PER_DEG, type ClusterParams } from './hotspot.params.js'
import { previousWindow, type TimeWindow } from './hotspot.window.js'


export interface ClusterRow {
  /** '*' for all categories (or the one category asked for), else a category code. */
  part: string
  n: number
  first_id: string
  lon: number
  lat: number
  hull: string
  /** [code, count] pairs, most first. */
  categories: [string, number][]
  /** [code, name, count] triples, most first. */
  regions: [string, string, number][]
  current: number
  previous: number
  min_points: number
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`

/**
 * Hotspots of one window in one query: ST_ClusterDBSCAN over the window's reports, once over
 * all of them (part '*') and, with `byCategory`, once per category; then per cluster its hull,
 * centre, categories, regions, and the reports inside its hull in this and the previous
 * window. The input is ordered by report id so that equal data gives equal clusters.
 */
export async function clusterReports(
  db: Kysely<Database>,
  w: TimeWindow,
  p: ClusterParams,
  opts: { category?: string | undefined; byCategory: boolean },
): Promise<ClusterRow[]> {
  return withoutJit(db, async (trx) => (await clusterQuery(w, p, opts).execute(trx)).rows)
}

/**
 * Runs analytic queries with JIT compilation off (PostgreSQL judges these big and compiles
 * them, which took seconds longer than the query itself: 2.5 s of JIT on a 0.4 s clustering in
 * the bench) and more sort memory. The settings end with the transaction.
 */
export async function withoutJit<T>(db: Kysely<Database>, f: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL jit = off`.execute(trx)
    // Sorting a month of reports by (part, id) in memory rather than in temporary files.
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx)
    return f(trx)
  })
}

/** The query of clusterReports, for running or explaining. */
export function clusterQuery(w: TimeWindow, p: ClusterParams, opts: { category?: string | undefined; byCategory: boolean }) {
  const prev = previousWindow(w)
  const catFilter = opts.category ? sql`AND r.category_code = ${opts.category}` : sql``
  const parts: RawBuilder<unknown> = opts.byCategory && !opts.category ? sql`(VALUES ('*'), (r.category_code))` : sql`(VALUES ('*'))`
  const epsKm = p.eps_m / 1000
  return sql<ClusterRow>`
    WITH pts AS (
      SELECT r.id, r.category_code, r.region_code, r.location, pp.part
      FROM reports r CROSS JOIN LATERAL ${parts} AS pp(part)
      WHERE r.reported_at >= ${iso(w.from)} AND r.reported_at < ${iso(w.to)} ${catFilter}
    ), ext AS (
      SELECT greatest(${p.min_area_km2}::float8,
        (ST_XMax(e) - ST_XMin(e)) * 111.32 * cos(radians((ST_YMin(e) + ST_YMax(e)) / 2)) * (ST_YMax(e) - ST_YMin(e)) * 110.574) AS km2
      FROM (SELECT ST_Extent(location) AS e FROM pts WHERE part = '*') s
    ), cl AS (
      -- min points per part from the part's size; the inner window sorts by (part, id) once and
      -- the clustering window reuses that order.
      SELECT c.*, ST_ClusterDBSCAN(c.location, ${p.eps_m / M_PER_DEG}::float8, c.minpts) OVER (PARTITION BY c.part ORDER BY c.id) AS cid
      FROM (
        SELECT pts.*, greatest(${p.min_points}::int, ceil(${p.density_factor}::float8 * pi() * ${epsKm}::float8 ^ 2 / (SELECT km2 FROM ext)
                 * count(*) OVER (PARTITION BY pts.part ORDER BY pts.id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)))::int AS minpts
        FROM pts
      ) c
    ), members AS (
      SELECT * FROM cl WHERE cid IS NOT NULL
    ), hs AS (
      SELECT part, cid, count(*)::int AS n, min(id::text) AS first_id, min(minpts) AS min_points,
             ST_Centroid(ST_Collect(location)) AS centre,
             ST_Buffer(ST_ConvexHull(ST_Collect(location))::geography, ${p.margin_m}::float8)::geometry AS hull
      FROM members GROUP BY part, cid
    ), cats AS (
      SELECT part, cid, jsonb_agg(jsonb_build_array(category_code, k) ORDER BY k DESC, category_code) AS categories
      FROM (SELECT part, cid, category_code, count(*)::int AS k FROM members GROUP BY 1, 2, 3) x GROUP BY part, cid
    ), regs AS (
      SELECT x.part, x.cid, jsonb_agg(jsonb_build_array(x.region_code, coalesce(g.name, x.region_code), x.k) ORDER BY x.k DESC, x.region_code) AS regions
      FROM (SELECT part, cid, region_code, count(*)::int AS k FROM members WHERE region_code IS NOT NULL GROUP BY 1, 2, 3) x
      LEFT JOIN regions g ON g.code = x.region_code GROUP BY x.part, x.cid
    ), trend AS (
      SELECT h.part, h.cid,
             count(*) FILTER (WHERE r.reported_at >= ${iso(w.from)})::int AS current,
             count(*) FILTER (WHERE r.reported_at < ${iso(w.from)})::int AS previous
      FROM hs h JOIN reports r ON r.location && h.hull AND ST_Intersects(h.hull, r.location)
      WHERE r.reported_at >= ${iso(prev.from)} AND r.reported_at < ${iso(w.to)} ${catFilter}
        AND (h.part = '*' OR r.category_code = h.part)
      GROUP BY h.part, h.cid
    )
    SELECT hs.part, hs.n, hs.first_id, hs.min_points, ST_X(hs.centre) AS lon, ST_Y(hs.centre) AS lat,
           ST_AsGeoJSON(hs.hull, 6) AS hull, coalesce(cats.categories, '[]'::jsonb) AS categories,
           coalesce(regs.regions, '[]'::jsonb) AS regions, coalesce(trend.current, hs.n) AS current, coalesce(trend.previous, 0) AS previous
    FROM hs
    LEFT JOIN cats ON cats.part = hs.part AND cats.cid = hs.cid
    LEFT JOIN regs ON regs.part = hs.part AND regs.cid = hs.cid
    LEFT JOIN trend ON trend.part = hs.part AND trend.cid = hs.cid
    ORDER BY hs.part, hs.n DESC, hs.first_id`
}

/** The bare clustering of a window (the bench's baseline): cluster id per report, nothing else. */
export async function bareDbscan(db: Kysely<Database>, w: TimeWindow, epsM: number, minPoints: number): Promise<number> {
  const res = await withoutJit(db, (trx) => sql<{ clusters: number }>`
    SELECT count(DISTINCT cid)::int AS clusters FROM (
      SELECT ST_ClusterDBSCAN(location, ${epsM / M_PER_DEG}::float8, ${minPoints}::int) OVER () AS cid
      FROM reports WHERE reported_at >= ${iso(w.from)} AND reported_at < ${iso(w.to)}
    ) s`.execute(trx))
  return res.rows[0]?.clusters ?? 0
}

export interface StoredSet {
  window_key: string
  from_ts: Date
  to_ts: Date
  computed_at: Date
  digest: string
  body: unknown
}

export async function loadSet(db: Executor, key: string): Promise<StoredSet | undefined> {
  return db.selectFrom('hotspot_sets').selectAll().where('window_key', '=', key).executeTakeFirst()
}

/** Serialises writers of one window's set (another process may be storing the same window). */
export async function lockSet(trx: Transaction<Database>, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`hotspots|${key}`}))`.execute(trx)
}

export async function saveSet(trx: Transaction<Database>, s: Omit<StoredSet, 'body'> & { body: string }): Promise<void> {
  // Explicit ::jsonb: both drivers then pass the JSON text as it is.
  await sql`
    INSERT INTO hotspot_sets (window_key, from_ts, to_ts, computed_at, digest, body)
    VALUES (${s.window_key}, ${iso(s.from_ts)}, ${iso(s.to_ts)}, ${iso(s.computed_at)}, ${s.digest}, ${s.body}::jsonb)
    ON CONFLICT (window_key) DO UPDATE SET from_ts = EXCLUDED.from_ts, to_ts = EXCLUDED.to_ts,
      computed_at = EXCLUDED.computed_at, digest = EXCLUDED.digest, body = EXCLUDED.body`.execute(trx)
}
