import { getHexagonAreaAvg, getHexagonEdgeLengthAvg, latLngToCell, UNITS } from 'h3-js'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { AppError } from '../http/errors.js'
import type { TimeWindow } from './hotspot.window.js'

export const MIN_RES = 0
export const MAX_RES = 11

/**
 * The H3 resolution whose hexagons are about 25 px across at a map zoom level (web mercator:
 * 156 543 m per pixel at zoom 0; each H3 resolution is ~2.65x finer than the one before).
 */
export function resolutionForZoom(zoom: number): number {
  return Math.min(MAX_RES, Math.max(MIN_RES, Math.round(0.711 * zoom - 1.3)))
}

export interface DensityResult {
  res: number
  total: number
  max: number
  /** [H3 index, report count], sorted by index: what deck.gl's H3HexagonLayer draws. */
  cells: [string, number][]
}

const MAX_CELLS_IN_BBOX = 250_000
/** Bins are this many times narrower than a hexagon edge. */
const BIN_FRACTION = 4

/**
 * Report counts per H3 hexagon in a bbox and window, exact, without sending every report
 * here. PostgreSQL sums the reports into square bins a quarter of a hexagon edge wide; a bin
 * whose four corners lie in one hexagon lies wholly inside it (cells are convex at this
 * scale), so its count goes there; only the reports of bins that straddle a hexagon edge are
 * fetched one by one and placed individually.
 */
export async function densityCells(
  db: Kysely<Database>,
  w: TimeWindow,
  bbox: [number, number, number, number],
  res: number,
  category?: string,
): Promise<DensityResult> {
  const [west, south, east, north] = bbox
  const midLat = ((south + north) / 2) * (Math.PI / 180)
  const areaKm2 = (east - west) * 111.32 * Math.cos(midLat) * (north - south) * 110.574
  if (areaKm2 / getHexagonAreaAvg(res, UNITS.km2) > MAX_CELLS_IN_BBOX) {
    throw new AppError(422, 'validation_failed', `bbox holds too many hexagons at resolution ${res}; zoom in or lower res`, [
      { field: 'bbox', message: `more than ${MAX_CELLS_IN_BBOX} hexagons at resolution ${res}` },
    ])
  }
  const g = getHexagonEdgeLengthAvg(res, UNITS.m) / BIN_FRACTION / 111_320
  const where = sql`location && ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)
      AND reported_at >= ${w.from.toISOString()}::timestamptz AND reported_at < ${w.to.toISOString()}::timestamptz
      ${category ? sql`AND category_code = ${category}` : sql``}`
  const bx = sql`floor(ST_X(location) / ${g}::float8)::int8`
  const by = sql`floor(ST_Y(location) / ${g}::float8)::int8`
  const bins = await sql<{ gx: number; gy: number; n: number }>`
    SELECT ${bx} AS gx, ${by} AS gy, count(*)::int AS n FROM reports WHERE ${where} GROUP BY 1, 2`.execute(db)

  const corners = new Map<string, string>()
  const cornerCell = (x: number, y: number) => {
    const k = `${x},${y}`
    let h = corners.get(k)
    if (h === undefined) corners.set(k, (h = latLngToCell(y * g, x * g, res)))
    return h
  }
  const counts = new Map<string, number>()
  const add = (h: string, n: number) => counts.set(h, (counts.get(h) ?? 0) + n)
  const straddling: { gx: number; gy: number }[] = []
  let total = 0
  for (const b of bins.rows) {
    total += b.n
    const h = cornerCell(b.gx, b.gy)
    if (h === cornerCell(b.gx + 1, b.gy) && h === cornerCell(b.gx, b.gy + 1) && h === cornerCell(b.gx + 1, b.gy + 1)) add(h, b.n)
    else straddling.push(b)
  }
  if (straddling.length) {
    const pts = await sql<{ x: number; y: number }>`
      SELECT ST_X(location) AS x, ST_Y(location) AS y FROM reports
      WHERE ${where} AND (${bx}, ${by}) IN (
        SELECT * FROM unnest(string_to_array(${straddling.map((b) => b.gx).join(',')}, ',')::int8[],
                             string_to_array(${straddling.map((b) => b.gy).join(',')}, ',')::int8[]))`.execute(db)
    for (const p of pts.rows) add(latLngToCell(p.y, p.x, res), 1)
  }
  const cells = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return { res, total, max: cells.reduce((m, [, n]) => Math.max(m, n), 0), cells }
}
