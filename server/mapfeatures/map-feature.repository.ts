import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'

export type MapFeatureKind = 'road' | 'river' | 'landmark'

export interface MapFeatureInput {
  kind: MapFeatureKind
  class: string
  name: string
  geometry: { type: 'LineString'; coordinates: [number, number][] } | { type: 'Point'; coordinates: [number, number] }
}

/**
 * Stores features, lines cut to the outline of `clipTo` (a region code) when given: a generated
 * road ends at the regency's edge. A line left with nothing inside, or a point outside, is not stored.
 */
export async function insertMapFeatures(db: Kysely<Database>, features: MapFeatureInput[], opts: { isDemo: boolean; clipTo?: string }): Promise<number> {
  let n = 0
  for (const f of features) {
    const g = sql`ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326)`
    const clip = sql`(SELECT geom FROM regions WHERE code = ${opts.clipTo ?? null})`
    const geom = opts.clipTo && f.kind !== 'landmark' ? sql`ST_CollectionExtract(ST_Intersection(${g}, ${clip}), 2)` : g
    const inside = opts.clipTo ? sql`ST_Intersects(x.g, ${clip})` : sql`true`
    const res = await sql`
      INSERT INTO map_features (kind, class, name, geom, is_demo)
      SELECT ${f.kind}, ${f.class}, ${f.name}, x.g, ${opts.isDemo} FROM (SELECT ${geom} AS g) x WHERE NOT ST_IsEmpty(x.g) AND ${inside}`.execute(db)
    n += Number(res.numAffectedRows ?? 0)
  }
  return n
}

export async function countMapFeatures(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('map_features').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

export interface MapFeatureRow {
  id: string
  kind: MapFeatureKind
  class: string
  name: string
  is_demo: boolean
  geometry: string
}

/** Every feature (within `bbox` when given), as GeoJSON geometry text. */
export async function mapFeatures(db: Kysely<Database>, bbox?: [number, number, number, number]): Promise<MapFeatureRow[]> {
  const where = bbox ? sql`WHERE geom && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)` : sql``
  const res = await sql<MapFeatureRow>`
    SELECT id::text, kind, class, name, is_demo, ST_AsGeoJSON(geom, 6) AS geometry
    FROM map_features ${where} ORDER BY kind, id`.execute(db)
  return res.rows
}
