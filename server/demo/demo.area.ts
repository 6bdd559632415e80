import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { importRegions } from '../regions/region.import.js'
import type { RegionInput } from '../regions/region.repository.js'
import { seedDemoFeatures } from './demo.features.js'
import { rng } from './random.js'

// A made-up regency, generated (not copied from any boundary data): an irregular outline cut
// into kecamatan and kelurahan/desa by PostGIS Voronoi diagrams. Code 99 is no real province.
export const DEMO_PROVINCE = '99'
export const DEMO_KABUPATEN = '99.01'
const CENTER = { lon: 107.44, lat: -6.56 }

const KECAMATAN_NAMES = ['Sukamaju', 'Cibening', 'Mekarjaya', 'Karangsari', 'Sindanglaya', 'Tegalwaru', 'Margahayu', 'Pasirjati']
const PREFIXES = ['Suka', 'Mekar', 'Karang', 'Sindang', 'Tegal', 'Cipta', 'Marga', 'Pasir', 'Bojong', 'Jati', 'Sumber', 'Giri', 'Wana', 'Citra', 'Linggar', 'Situ', 'Cikadu', 'Neglasari']
const SUFFIXES = ['jaya', 'sari', 'mulya', 'asih', 'mukti', 'makmur', 'rahayu', 'harja', 'wangi', 'luhur', 'kencana', 'raya', 'galih', 'endah']

function outlineRing(seed: number): [number, number][] {
  const r = rng(seed)
  const ring: [number, number][] = []
  const n = 28
  for (let i = 0; i < n; i++) {
    const a = (i / n) * 2 * Math.PI
    const radius = 0.13 * (0.8 + 0.35 * r.next())
    ring.push([CENTER.lon + radius * Math.cos(a) * 1.15, CENTER.lat + radius * Math.sin(a)])
  }
  ring.push(ring[0]!)
  return ring
}

async function voronoiCells(db: Kysely<Database>, areaGeoJSON: string, count: number, seed: number): Promise<string[]> {
  const res = await sql<{ g: string }>`
    WITH area AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(${areaGeoJSON}), 4326) AS g),
    cells AS (
      SELECT (ST_Dump(ST_VoronoiPolygons(ST_GeneratePoints(area.g, ${count}, ${seed}), 0, area.g))).geom AS g FROM area
    )
    SELECT ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_Intersection(cells.g, area.g), 3)), 7) AS g
    FROM cells, area
    WHERE NOT ST_IsEmpty(ST_CollectionExtract(ST_Intersection(cells.g, area.g), 3))
    ORDER BY ST_Y(ST_Centroid(cells.g)) DESC, ST_X(ST_Centroid(cells.g))`.execute(db)
  return res.rows.map((r) => r.g)
}

/** Builds the demo regency's regions (kabupaten, kecamatan, kelurahan/desa), all flagged is_demo. */
export async function buildDemoRegions(db: Kysely<Database>, seed = 20261123): Promise<RegionInput[]> {
  {
    const r = rng(seed)
    const outline = JSON.stringify({ type: 'Polygon', coordinates: [outlineRing(seed)] })
    const regions: RegionInput[] = [
      { code: DEMO_PROVINCE, name: 'Provinsi Contoh (DEMO)', level: 'provinsi', parent_code: null, geometry: JSON.parse(outline), props: { demo: true } },
      { code: DEMO_KABUPATEN, name: 'Kabupaten Contoh (DEMO)', level: 'kabupaten', parent_code: DEMO_PROVINCE, geometry: JSON.parse(outline), props: { demo: true } },
    ]
    const used = new Set<string>()
    const kecCells = await voronoiCells(db, outline, KECAMATAN_NAMES.length, seed % 100000)
    for (const [i, kecGeom] of kecCells.entries()) {
      const kecCode = `${DEMO_KABUPATEN}.${String(i + 1).padStart(2, '0')}`
      const kecName = KECAMATAN_NAMES[i % KECAMATAN_NAMES.length]!
      regions.push({ code: kecCode, name: kecName, level: 'kecamatan', parent_code: DEMO_KABUPATEN, geometry: JSON.parse(kecGeom), props: { demo: true } })
      const kelCells = await voronoiCells(db, kecGeom, r.int(5, 9), seed % 100000 + i + 1)
      kelCells.forEach((g, j) => {
        let name = ''
        do name = r.pick(PREFIXES) + r.pick(SUFFIXES)
        while (used.has(name))
        used.add(name)
        // The first cell of each kecamatan is its urban kelurahan (1xxx); the rest are desa (2xxx).
        const isKelurahan = j === 0
        const code = `${kecCode}.${isKelurahan ? 1001 : 2000 + j}`
        regions.push({
          code,
          name,
          level: 'kelurahan',
          parent_code: kecCode,
          geometry: JSON.parse(g),
          props: { demo: true, tipe: isKelurahan ? 'kelurahan' : 'desa', nama_kec: kecName },
        })
      })
    }
    return regions
  }
}

/** The demo regency's regions, then its roads, rivers and landmarks. */
export async function seedDemoArea(db: Kysely<Database>): Promise<number> {
  const regions = await buildDemoRegions(db)
  const res = await importRegions(db, regions, { isDemo: true })
  await seedDemoFeatures(db, DEMO_KABUPATEN)
  return res.imported
}
