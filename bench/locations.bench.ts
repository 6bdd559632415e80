import { sql, type Kysely } from 'kysely'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '../server/config.js'
import type { Db } from '../server/db/connect.js'
import type { Database } from '../server/db/database.js'
import { recheckLocations } from '../server/locations/location.recheck.js'
import { importRegionsFile } from '../server/regions/region.import.js'
import { freshDb, throughput, type Bench, type BenchContext, type BenchFigure } from './lib.js'

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
/** Single-report checks timed against the bare point-in-polygon query. */
const CHECKS = Math.max(500, Math.round(20_000 * SCALE))
/** Stored reports re-checked in bulk. */
const STORED = Math.max(10_000, Math.round(1_000_000 * SCALE))
const CONCURRENCY = 2
const KECAMATAN = join(import.meta.dirname, '../../shared/data/id/indonesia_kecamatan.geojson')

interface Sample {
  lon: number
  lat: number
  claim: string | null
}

/**
 * Points spread over all of Indonesia's kecamatan, one per sampled kecamatan, with claims as
 * people write them: mostly the right name in some spelling, some a code, some the name of
 * another kecamatan (a mismatch), some unknown or missing.
 */
async function samples(db: Kysely<Database>, n: number): Promise<Sample[]> {
  const res = await sql<Sample>`
    WITH k AS (SELECT code, name, geom, row_number() OVER (ORDER BY md5(code)) AS i, count(*) OVER () AS total FROM regions),
    pick AS (SELECT k.*, (g.i % 20) AS roll FROM generate_series(1, ${n}) AS g(i) JOIN k ON k.i = 1 + (g.i * 7919) % k.total)
    SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat,
      CASE WHEN roll < 10 THEN name WHEN roll < 13 THEN 'Kec. ' || upper(name) WHEN roll < 15 THEN code
           WHEN roll < 17 THEN (SELECT o.name FROM k o WHERE o.i = 1 + (pick.i * 31) % pick.total)
           WHEN roll < 19 THEN 'Kampung Entah ' || roll ELSE NULL END AS claim
    FROM pick, LATERAL (SELECT (ST_Dump(ST_GeneratePoints(pick.geom, 1, 1 + pick.i::int))).geom AS pt) p`.execute(db)
  return res.rows
}

async function perReport(ctx: BenchContext, db: Kysely<Database>): Promise<BenchFigure> {
  const pts = await samples(db, CHECKS)
  ctx.log(`${pts.length} sample points`)
  const bare = (p: Sample) => sql`
    SELECT r.code FROM region_parts rp JOIN regions r ON r.code = rp.region_code
    WHERE ST_Intersects(rp.geom, ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326))
    ORDER BY CASE r.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 ELSE 2 END, r.code LIMIT 1`
  const check = (p: Sample) => sql`SELECT * FROM sigap_location_check(ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326), ${p.claim}::text, NULL, 30)`
  // Warm both (plans, caches), then time them alternately so neither gets the warmer cache.
  for (const p of pts.slice(0, 200)) {
    await bare(p).execute(db)
    await check(p).execute(db)
  }
  const bareRate = await throughput(pts.length, CONCURRENCY, async (i) => void (await bare(pts[i]!).execute(db)))
  const checkRate = await throughput(pts.length, CONCURRENCY, async (i) => void (await check(pts[i]!).execute(db)))
  const statuses = await sql<{ status: string; n: number }>`
    SELECT c.status, count(*)::int AS n FROM jsonb_to_recordset(${JSON.stringify(pts)}::jsonb) AS x(lon float8, lat float8, claim text),
      LATERAL sigap_location_check(ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326), x.claim, NULL, 30) c GROUP BY 1 ORDER BY 2 DESC`.execute(db)
  ctx.log(`outcomes: ${statuses.rows.map((r) => `${r.status} ${r.n}`).join(', ')}`)
  return {
    name: `location check per report against ${await count(db, 'regions')} kecamatan (${await count(db, 'region_parts')} parts), ${CONCURRENCY} clients`,
    value: checkRate,
    unit: 'checks/s',
    baseline: { name: 'bare indexed point-in-polygon query (region_parts)', value: bareRate, unit: 'queries/s' },
    ratio: checkRate / bareRate,
    note: 'ratio = check speed / bare lookup speed (1 = free); the check adds name resolution and, off the claimed region, a geography distance',
  }
}

async function bulk(ctx: BenchContext, handle: Db): Promise<BenchFigure[]> {
  const db = handle.db
  const t0 = performance.now()
  // Stored reports spread over the country, claims as above, inserted set-wise.
  const perRegion = Math.ceil(STORED / (await count(db, 'regions')))
  await sql`
    INSERT INTO reports (channel, category_code, description, location, claimed_region, reported_at)
    SELECT 'app', 'jalan_rusak', 'bench', pt,
      CASE WHEN k.n % 20 < 13 THEN k.name WHEN k.n % 20 < 15 THEN k.code WHEN k.n % 20 < 17 THEN k.next_name
           WHEN k.n % 20 < 18 THEN 'Kel. Tidak Ada' ELSE NULL END, now()
    -- next_name: the kecamatan next in code order, often a neighbour: a mismatch or a near-boundary claim.
    FROM (SELECT code, name, geom, row_number() OVER (ORDER BY code) AS n, lead(name, 1, 'Senen') OVER (ORDER BY code) AS next_name FROM regions) k,
         LATERAL (SELECT (ST_Dump(ST_GeneratePoints(k.geom, ${perRegion}, k.n::int))).geom AS pt) p
    LIMIT ${STORED}`.execute(db)
  await sql`ANALYZE reports`.execute(db)
  const stored = await count(db, 'reports')
  ctx.log(`${stored} reports stored in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  const deps = { db: handle, config: loadConfig({ SIGAP_LOG: 'silent' }) }
  let t = performance.now()
  const first = await recheckLocations(deps)
  const firstRate = first.checked / ((performance.now() - t) / 1000)
  ctx.log(`first re-check (every report unchecked): ${JSON.stringify(first.transitions)}; disputes opened ${first.disputesOpened}`)
  t = performance.now()
  const again = await recheckLocations(deps)
  const againRate = again.checked / ((performance.now() - t) / 1000)
  // Baseline: the same batches through the bare point-in-polygon lookup, no writes.
  t = performance.now()
  await sql`
    SELECT count(h.code) FROM reports r LEFT JOIN LATERAL (
      SELECT rp.region_code AS code FROM region_parts rp WHERE ST_Intersects(rp.geom, r.location) LIMIT 1) h ON true`.execute(db)
  const bareRate = stored / ((performance.now() - t) / 1000)
  return [
    {
      name: `re-check ${stored} stored reports, first pass (every outcome written, ${first.disputesOpened} disputes opened)`,
      value: firstRate,
      unit: 'reports/s',
      baseline: { name: 'one set-wise point-in-polygon join over the same reports, read only', value: bareRate, unit: 'reports/s' },
      ratio: firstRate / bareRate,
    },
    {
      name: `re-check ${stored} stored reports again, nothing changed`,
      value: againRate,
      unit: 'reports/s',
      baseline: { name: 'one set-wise point-in-polygon join over the same reports, read only', value: bareRate, unit: 'reports/s' },
      ratio: againRate / bareRate,
    },
  ]
}

async function count(db: Kysely<Database>, table: 'regions' | 'region_parts' | 'reports'): Promise<number> {
  return Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
}

const bench: Bench = {
  name: 'location check and bulk re-check',
  async run(ctx) {
    if (!existsSync(KECAMATAN)) {
      ctx.log(`skipped: ${KECAMATAN} not found`)
      return []
    }
    const fresh = await freshDb(ctx, 'locations')
    try {
      const t0 = performance.now()
      await importRegionsFile(fresh.db.db, KECAMATAN)
      // As autovacuum would shortly after an import: without statistics the planner guesses badly.
      await sql`ANALYZE regions`.execute(fresh.db.db)
      await sql`ANALYZE region_parts`.execute(fresh.db.db)
      ctx.log(`imported indonesia_kecamatan.geojson in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
      return [await perReport(ctx, fresh.db.db), ...(await bulk(ctx, fresh.db))]
    } finally {
      await fresh.close()
    }
  },
}
export default bench
