import { sql, type Kysely } from 'kysely'
import type { Database } from '../../server/db/database.js'
import { importRegionsFile } from '../../server/regions/region.import.js'
import { sharedFile } from './shared-data.js'

// Real boundaries for the location-check and dispute tests (issue 4). Points are derived
// from the boundaries with PostGIS rather than typed in, so each says what it is.

export const RAWASARI = '31.71.05.1003' // Cempaka Putih, Jakarta Pusat
export const CEMPAKA_PUTIH_BARAT = '31.71.05.1002'
export const PASEBAN = '31.71.04.1003' // Senen: across Rawasari's south-western edge
export const UTAN_KAYU_UTARA = '31.75.01.1002' // Matraman, Jakarta Timur: overlaps Rawasari by a sliver
export const KEMAYORAN = '31.71.03.1001'
export const RAWASARI_PLERED = '32.14.04.2008' // the other Rawasari, a desa in Purwakarta
export const CITALANG_PURWAKARTA = '32.14.01.2010'
export const CITALANG_TEGALWARU = '32.14.08.2002'

export async function importTestBoundaries(db: Kysely<Database>): Promise<void> {
  await importRegionsFile(db, sharedFile('jakarta_kelurahan.geojson'))
  await importRegionsFile(db, sharedFile('purwakarta_desa.geojson'))
}

export interface Pt {
  lon: number
  lat: number
}

async function onePoint(db: Kysely<Database>, geom: ReturnType<typeof sql>, what: string): Promise<Pt> {
  const r = await sql<{ lon: number | null; lat: number | null }>`
    SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(${geom}) AS p) x`.execute(db)
  const row = r.rows[0]
  if (!row || row.lon === null || row.lat === null) throw new Error(`no point: ${what}`)
  return { lon: row.lon, lat: row.lat }
}

const geog = (code: string) => sql`(SELECT geom FROM regions WHERE code = ${code})`

/** A point well inside a region (its label point: on the surface, away from the edges for compact shapes). */
export async function inside(db: Kysely<Database>, code: string): Promise<Pt> {
  return onePoint(db, sql`ST_Buffer(${geog(code)}::geography, -150)::geometry`, `150 m inside ${code}`)
}

/** A point in `into`, outside `from`, between `min` and `max` metres from `from`. */
export async function across(db: Kysely<Database>, from: string, into: string, min: number, max: number): Promise<Pt> {
  return onePoint(
    db,
    sql`ST_Intersection(
          ST_Difference(${geog(into)}, ST_Buffer(${geog(from)}::geography, ${min})::geometry),
          ST_Buffer(${geog(from)}::geography, ${max})::geometry)`,
    `${min}-${max} m from ${from} in ${into}`,
  )
}

/** A point in both regions (the boundaries overlap there). */
export async function overlap(db: Kysely<Database>, a: string, b: string): Promise<Pt> {
  return onePoint(db, sql`ST_Intersection(${geog(a)}, ${geog(b)})`, `overlap of ${a} and ${b}`)
}

/** A point in the largest gap of the boundaries within 40 m of a region: in no region at all. */
export async function gapBeside(db: Kysely<Database>, code: string): Promise<Pt> {
  return onePoint(
    db,
    sql`(SELECT g FROM (
          SELECT (ST_Dump(ST_Difference(b.g, (SELECT ST_Union(x.geom) FROM regions x WHERE x.geom && b.g)))).geom AS g
          FROM (SELECT ST_Buffer(${geog(code)}::geography, 40)::geometry AS g) b) d
        ORDER BY ST_Area(g) DESC LIMIT 1)`,
    `gap beside ${code}`,
  )
}

/** Metres from a point to a region, and the regions that contain it (to state what a point is). */
export async function describePoint(db: Kysely<Database>, p: Pt, code: string) {
  const r = await sql<{ d: number; hits: string[] | null }>`
    SELECT ST_Distance(ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326)::geography, ${geog(code)}::geography) AS d,
           (SELECT array_agg(code ORDER BY code) FROM regions WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(${p.lon}, ${p.lat}), 4326))) AS hits`.execute(db)
  return { distance_m: r.rows[0]!.d, containedBy: r.rows[0]!.hits ?? [] }
}
