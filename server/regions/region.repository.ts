import { sql } from 'kysely'
import type { Executor, RegionLevel } from '../db/database.js'


export interface RegionInput {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  /** GeoJSON Polygon or MultiPolygon in WGS84. */
  geometry: unknown
  props: Record<string, unknown>
}

/** Max vertices per piece when subdividing: small pieces keep point-in-polygon cheap. */
const SUBDIVIDE_VERTICES = 64

/**
 * Inserts or updates regions in one statement: geometry made valid, reduced to its polygons,
 * stored as MultiPolygon; then the subdivided copies of exactly those regions are rebuilt.
 * Returns the codes written; a feature whose geometry holds no polygon area is skipped.
 */
export async function upsertRegions(trx: Executor, regions: RegionInput[], isDemo = false): Promise<string[]> {
  if (regions.length === 0) return []
  const payload = JSON.stringify(regions)
  const res = await sql<{ code: string }>`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${payload}::jsonb)
        AS x(code text, name text, level text, parent_code text, geometry jsonb, props jsonb)
    ), shaped AS (
      SELECT code, name, level, parent_code, props,
             ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(geometry::text), 4326)), 3)) AS geom
      FROM input
    )
    INSERT INTO regions (code, name, level, parent_code, geom, label_point, area_km2, is_demo, props, updated_at)
    SELECT code, name, level, parent_code, geom, ST_PointOnSurface(geom), ST_Area(geom::geography) / 1e6,
           ${isDemo}, coalesce(props, '{}'::jsonb), now()
    FROM shaped WHERE NOT ST_IsEmpty(geom)
    ON CONFLICT (code) DO UPDATE SET
      name = excluded.name, level = excluded.level, parent_code = excluded.parent_code, geom = excluded.geom,
      label_point = excluded.label_point, area_km2 = excluded.area_km2, is_demo = excluded.is_demo,
      props = excluded.props, updated_at = now()
    RETURNING code`.execute(trx)
  const codes = res.rows.map((r) => r.code)
  await trx.deleteFrom('region_parts').where('region_code', 'in', codes).execute()
  await sql`
    INSERT INTO region_parts (region_code, level, geom)
    SELECT code, level, (ST_Dump(ST_Subdivide(geom, ${SUBDIVIDE_VERTICES}))).geom FROM regions WHERE code = ANY(${codes})
  `.execute(trx)
  return codes
}

export async function countRegions(db: Executor): Promise<{ total: number; demo: number }> {
  const r = await db
    .selectFrom('regions')
    .select((eb) => [eb.fn.countAll<number>().as('total'), eb.fn.count<number>('code').filterWhere('is_demo', '=', true).as('demo')])
    .executeTakeFirstOrThrow()
  return { total: Number(r.total), demo: Number(r.demo) }
}

export interface RegionFeatureRow {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  parent_name: string | null
  is_demo: boolean
  area_km2: number
  label_lon: number
  label_lat: number
  geometry: string
}

/** Regions of one level, simplified to about half a pixel at the zoom asked, optionally within a bbox. */
export async function regionFeatures(
  db: Executor,
  opts: { level?: RegionLevel | undefined; zoom: number; bbox?: [number, number, number, number] | undefined },
): Promise<RegionFeatureRow[]> {
  const tolerance = 360 / (256 * 2 ** opts.zoom) / 2
  const digits = Math.min(6, Math.max(3, Math.ceil(Math.log10(1 / tolerance)) + 1))
  let q = db
    .selectFrom('regions as r')
    .leftJoin('regions as p', 'p.code', 'r.parent_code')
    .select([
      'r.code',
      'r.name',
      'r.level',
      'r.parent_code',
      'p.name as parent_name',
      'r.is_demo',
      'r.area_km2',
      sql<number>`ST_X(r.label_point)`.as('label_lon'),
      sql<number>`ST_Y(r.label_point)`.as('label_lat'),
      sql<string>`ST_AsGeoJSON(ST_SimplifyPreserveTopology(r.geom, ${tolerance}), ${digits})`.as('geometry'),
    ])
    .orderBy('r.code')
  if (opts.level) q = q.where('r.level', '=', opts.level)
  if (opts.bbox) {
    const [w, s, e, n] = opts.bbox
    q = q.where(sql<boolean>`r.geom && ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)`)
  }
  return q.execute()
}

/** Changes whenever any region changes: lets the API cache simplified outlines safely. */
export async function regionsVersion(db: Executor): Promise<string> {
  const r = await sql<{ v: string }>`SELECT count(*) || '-' || coalesce(extract(epoch FROM max(updated_at))::text, '0') AS v FROM regions`.execute(db)
  return r.rows[0]?.v ?? '0'
}
