import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { insertMapFeatures, type MapFeatureInput } from '../mapfeatures/map-feature.repository.js'
import { rng, type Rng } from './random.js'

// Roads, rivers and landmarks for the generated demo regency, so that the wall looks like a
// place one can find one's way in: made up here from the demo's own kecamatan centres (nothing
// copied from map data). Lines are cut to the regency's outline when stored.

type Pt = [number, number]
interface Centre {
  kec: string
  at: Pt
}

/** A line through `pts` with gentle bends: each leg cut into pieces pushed sideways a little. */
function wiggle(r: Rng, pts: Pt[], amp: number, pieces = 6): Pt[] {
  const out: Pt[] = [pts[0]!]
  for (let i = 1; i < pts.length; i++) {
    const [ax, ay] = pts[i - 1]!
    const [bx, by] = pts[i]!
    const len = Math.hypot(bx - ax, by - ay) || 1
    const [nx, ny] = [-(by - ay) / len, (bx - ax) / len]
    for (let k = 1; k <= pieces; k++) {
      const f = k / pieces
      const off = k === pieces ? 0 : (r.next() - 0.5) * 2 * amp * Math.sin(Math.PI * f)
      out.push([ax + (bx - ax) * f + nx * off, ay + (by - ay) * f + ny * off])
    }
  }
  return out
}

/** A river's meander between two points: a slow wave plus a little noise. */
function meander(r: Rng, a: Pt, b: Pt, waves: number, amp: number): Pt[] {
  const len = Math.hypot(b[0] - a[0], b[1] - a[1])
  const [nx, ny] = [-(b[1] - a[1]) / len, (b[0] - a[0]) / len]
  const phase = r.next() * Math.PI
  return Array.from({ length: 61 }, (_, i) => {
    const f = i / 60
    const off = Math.sin(f * Math.PI * waves + phase) * amp * Math.sin(Math.PI * f) + (r.next() - 0.5) * amp * 0.15
    return [a[0] + (b[0] - a[0]) * f + nx * off, a[1] + (b[1] - a[1]) * f + ny * off] as Pt
  })
}

const near = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1])
const line = (coordinates: Pt[]) => ({ type: 'LineString' as const, coordinates })
const point = (coordinates: Pt) => ({ type: 'Point' as const, coordinates })
const offset = (p: Pt, dx: number, dy: number): Pt => [p[0] + dx, p[1] + dy]

/** The features, from the kecamatan centres and the regency's bounding box. */
export function planDemoFeatures(centres: Centre[], box: { w: number; s: number; e: number; n: number }, seed = 20261205): MapFeatureInput[] {
  const r = rng(seed)
  const mid: Pt = [(box.w + box.e) / 2, (box.s + box.n) / 2]
  const capital = [...centres].sort((a, b) => near(a.at, mid) - near(b.at, mid))[0]!
  const pad = 0.03
  const out: MapFeatureInput[] = []

  // Two main roads cross at the capital: west-east through the centres near its latitude, north-south likewise.
  const ew = centres.filter((c) => Math.abs(c.at[1] - capital.at[1]) < 0.045).sort((a, b) => a.at[0] - b.at[0])
  const ns = centres.filter((c) => Math.abs(c.at[0] - capital.at[0]) < 0.05).sort((a, b) => b.at[1] - a.at[1])
  const west: Pt = [box.w - pad, ew[0]!.at[1] + 0.01]
  const east: Pt = [box.e + pad, ew[ew.length - 1]!.at[1] - 0.01]
  const north: Pt = [ns[0]!.at[0] - 0.01, box.n + pad]
  const south: Pt = [ns[ns.length - 1]!.at[0] + 0.015, box.s - pad]
  const main1 = wiggle(r, [west, ...ew.map((c) => c.at), east], 0.006)
  const main2 = wiggle(r, [north, ...ns.map((c) => c.at), south], 0.006)
  out.push({ kind: 'road', class: 'primary', name: 'Jalan Raya Contoh', geometry: line(main1) })
  out.push({ kind: 'road', class: 'primary', name: `Jalan Raya ${ns[0]!.kec}`, geometry: line(main2) })
  // Every other kecamatan centre is joined to the nearest point of a main road.
  const onMain = new Set([...ew, ...ns].map((c) => c.kec))
  for (const c of centres.filter((x) => !onMain.has(x.kec))) {
    const target = [...main1, ...main2].sort((a, b) => near(a, c.at) - near(b, c.at))[0]!
    // ...and on past the centre towards the edge, as a road leads on to the next place.
    const away: Pt = [c.at[0] + (c.at[0] - target[0]) * 0.8, c.at[1] + (c.at[1] - target[1]) * 0.8]
    out.push({ kind: 'road', class: 'secondary', name: `Jalan ${c.kec}`, geometry: line(wiggle(r, [target, c.at, away], 0.004, 5)) })
  }

  // A river across the regency from the north-west hills to the south-east, and a stream joining it.
  const river = meander(r, [box.w - pad, box.n - 0.05], [box.e + pad, box.s + 0.06], 5, 0.018)
  out.push({ kind: 'river', class: 'river', name: 'Sungai Cihaur', geometry: line(river) })
  const join = river[38]!
  out.push({ kind: 'river', class: 'stream', name: 'Kali Cisaat', geometry: line(meander(r, [box.e - 0.03, box.n + pad], join, 3, 0.01)) })

  // Landmarks: the regency's offices around the capital's square, and a place in every kecamatan.
  const cap = capital.at
  out.push({ kind: 'landmark', class: 'office', name: 'Kantor Bupati', geometry: point(offset(cap, 0.004, 0.003)) })
  out.push({ kind: 'landmark', class: 'square', name: 'Alun-alun', geometry: point(offset(cap, -0.003, -0.002)) })
  out.push({ kind: 'landmark', class: 'mosque', name: 'Masjid Agung', geometry: point(offset(cap, -0.007, 0.004)) })
  out.push({ kind: 'landmark', class: 'hospital', name: 'RSUD Contoh', geometry: point(offset(cap, 0.012, -0.009)) })
  const KINDS = [
    ['market', 'Pasar'],
    ['terminal', 'Terminal'],
    ['health', 'Puskesmas'],
    ['station', 'Stasiun'],
  ] as const
  centres
    .filter((c) => c.kec !== capital.kec)
    .forEach((c, i) => {
      const [cls, word] = KINDS[i % KINDS.length]!
      out.push({ kind: 'landmark', class: cls, name: `${word} ${c.kec}`, geometry: point(offset(c.at, (r.next() - 0.5) * 0.01, (r.next() - 0.5) * 0.01)) })
    })
  out.push({ kind: 'landmark', class: 'dam', name: 'Bendung Cihaur', geometry: point(river[14]!) })
  return out
}

/** Generates and stores the demo regency's roads, rivers and landmarks; answers how many. */
export async function seedDemoFeatures(db: Kysely<Database>, kabupaten: string): Promise<number> {
  const centres = await sql<{ kec: string; lon: number; lat: number }>`
    SELECT k.name AS kec, ST_X(r.label_point) AS lon, ST_Y(r.label_point) AS lat
    FROM regions r JOIN regions k ON k.code = r.parent_code
    WHERE k.parent_code = ${kabupaten} AND r.code LIKE '%.1001' ORDER BY k.code`.execute(db)
  const box = await sql<{ w: number; s: number; e: number; n: number }>`
    SELECT ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n FROM regions WHERE code = ${kabupaten}`.execute(db)
  if (!centres.rows.length || !box.rows[0]) return 0
  const plan = planDemoFeatures(centres.rows.map((c) => ({ kec: c.kec, at: [Number(c.lon), Number(c.lat)] })), box.rows[0])
  return insertMapFeatures(db, plan, { isDemo: true, clipTo: kabupaten })
}
