// Plain helpers of the intake form (no Svelte): distances, search, keys, ticket numbers.

export interface LatLon {
  lat: number
  lon: number
}

/** Where the call's location came from: a click on the map, or a kelurahan/desa found by name. */
export interface PickedPoint extends LatLon {
  /** "Kel. name, Kec. name" when known. */
  place: string | null
  /** Picked by kelurahan name: the report claims that region and is only as precise as its size. */
  claimedRegion?: string
  accuracyM?: number
}

export interface KelurahanEntry {
  code: string
  name: string
  parent: string | null
  label: [number, number]
  areaKm2: number
}

/** Great-circle distance in metres (haversine). */
export function distanceM(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_008 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** west,south,east,north of a square `radiusM` around a point (for GET /api/incidents?bbox=). */
export function bboxAround(p: LatLon, radiusM: number): string {
  const dy = radiusM / 110_574
  const dx = radiusM / (111_320 * Math.max(0.01, Math.cos((p.lat * Math.PI) / 180)))
  return [p.lon - dx, p.lat - dy, p.lon + dx, p.lat + dy].map((v) => v.toFixed(6)).join(',')
}

/** Lower case, no accents, no "kelurahan"/"desa"/"kel." prefix: what operators type. */
export function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/^\s*(kelurahan|kel\.?|desa|ds\.?)\s+/, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** Kelurahan/desa whose name contains the query: names starting with it first, then A-Z. */
export function searchKelurahan(all: KelurahanEntry[], query: string, max = 8): KelurahanEntry[] {
  const q = normalizeName(query)
  if (q === '') return []
  const scored: { e: KelurahanEntry; rank: number }[] = []
  for (const e of all) {
    const n = normalizeName(e.name)
    const at = n.indexOf(q)
    if (at < 0) continue
    scored.push({ e, rank: at === 0 ? 0 : n.includes(` ${q}`) ? 1 : 2 })
  }
  scored.sort((a, b) => a.rank - b.rank || a.e.name.localeCompare(b.e.name, 'id'))
  return scored.slice(0, max).map((s) => s.e)
}

/** The radius of a circle as large as the region: how far off its centre point may be. */
export function accuracyOfArea(areaKm2: number): number {
  return Math.max(50, Math.round(Math.sqrt((areaKm2 * 1e6) / Math.PI)))
}

/**
 * A fresh Idempotency-Key for one form. crypto.randomUUID exists only on https and
 * localhost; getRandomValues exists on plain http too (LAN deployments).
 */
export function newFormKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `intake-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** What the operator reads to the caller: the ticket (incident) id's first 8 characters. */
export const ticketNo = (incidentId: string) => incidentId.slice(0, 8).toUpperCase()

const PHONE = /^\+?[0-9 ()-]{4,30}$/
export const validPhone = (s: string) => PHONE.test(s.trim())

export const formatDistance = (m: number) => (m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(1)} km`)
