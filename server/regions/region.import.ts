import { readFile } from 'node:fs/promises'
import type { Kysely } from 'kysely'
import type { Database, RegionLevel } from '../db/database.js'
import { textIssues } from '../http/text.js'
import { upsertRegions, type RegionInput } from './region.repository.js'

export interface ImportOptions {
  codeProp?: string
  nameProp?: string
  /** Property holding the parent's code; by default the code minus its last segment. */
  parentProp?: string | undefined
  /** Level of every feature; by default inferred from the number of code segments. */
  level?: RegionLevel | undefined
  isDemo?: boolean
  batchSize?: number
  onProgress?: (done: number, total: number) => void
}

export interface ImportResult {
  imported: number
  skipped: { index: number; code: string; reason: string }[]
}

export class ImportError extends Error {}

const LEVELS_BY_SEGMENTS: Record<number, RegionLevel> = { 1: 'provinsi', 2: 'kabupaten', 3: 'kecamatan', 4: 'kelurahan' }

export function levelFromCode(code: string): RegionLevel | undefined {
  return LEVELS_BY_SEGMENTS[code.split('.').length]
}

export function parentFromCode(code: string): string | null {
  const parts = code.split('.')
  return parts.length > 1 ? parts.slice(0, -1).join('.') : null
}

interface Feature {
  type?: unknown
  properties?: Record<string, unknown> | null
  geometry?: { type?: unknown; coordinates?: unknown } | null
}

/** Checks a parsed GeoJSON document and turns its features into regions, or throws one clear error. */
export function regionsFromGeoJSON(doc: unknown, opts: ImportOptions = {}): RegionInput[] {
  const codeProp = opts.codeProp ?? 'kode'
  const nameProp = opts.nameProp ?? 'nama'
  if (typeof doc !== 'object' || doc === null || (doc as { type?: unknown }).type !== 'FeatureCollection') {
    throw new ImportError('not GeoJSON: expected a FeatureCollection with a "features" array')
  }
  const features = (doc as { features?: unknown }).features
  if (!Array.isArray(features)) throw new ImportError('not GeoJSON: "features" is not an array')
  // Indexes are the feature's place in the file's "features" array, as an editor shows them.
  const polygons = (features as Feature[]).flatMap((f, index) => (f?.geometry?.type === 'Polygon' || f?.geometry?.type === 'MultiPolygon' ? [{ f, index }] : []))
  if (polygons.length === 0) throw new ImportError(`no polygons: none of the ${features.length} features is a Polygon or MultiPolygon`)
  const out: RegionInput[] = []
  polygons.forEach(({ f, index: i }) => {
    const props = f.properties ?? {}
    const code = props[codeProp]
    const name = props[nameProp]
    if ((typeof code !== 'string' || code.trim() === '') && !(typeof code === 'number' && Number.isFinite(code))) {
      throw new ImportError(`feature ${i} lacks the code property "${codeProp}" (use --code-prop to name another)`)
    }
    if (typeof name !== 'string' || name.trim() === '') {
      throw new ImportError(`feature ${i} (${code}) lacks the name property "${nameProp}" (use --name-prop to name another)`)
    }
    // Properties are stored (jsonb): none may hold text PostgreSQL refuses.
    const badText = textIssues(props)[0]
    if (badText) throw new ImportError(`feature ${i}: property ${badText.message}`)
    const bad = geometryProblem(f.geometry!)
    if (bad) throw new ImportError(`feature ${i} (${String(code).trim()}): ${bad}`)
    const codeText = String(code).trim()
    const level = opts.level ?? levelFromCode(codeText)
    if (!level) throw new ImportError(`feature ${i}: cannot tell the level of code "${codeText}"; pass --level`)
    let parent: string | null = parentFromCode(codeText)
    if (opts.parentProp) {
      const p = props[opts.parentProp]
      if (p === undefined) throw new ImportError(`feature ${i} (${codeText}) lacks the parent property "${opts.parentProp}"`)
      parent = p === null ? null : String(p)
    }
    out.push({ code: codeText, name: name.trim(), level, parent_code: parent, geometry: f.geometry, props })
  })
  return out
}

/**
 * Why a Polygon or MultiPolygon cannot be a region, or null: every position two finite numbers
 * within longitude ±180 and latitude ±90 (the import reads WGS 84 degrees), every ring at least
 * four positions (GeoJSON's rule; PostGIS fails on fewer).
 */
export function geometryProblem(g: { type?: unknown; coordinates?: unknown }): string | null {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : Array.isArray(g.coordinates) ? g.coordinates : null
  if (!polygons || polygons.length === 0) return `${String(g.type)} has no coordinates`
  for (const [p, rings] of polygons.entries()) {
    const where = g.type === 'Polygon' ? '' : `polygon ${p}, `
    if (!Array.isArray(rings) || rings.length === 0) return `${where}no rings: coordinates must be an array of rings`
    for (const [r, ring] of (rings as unknown[]).entries()) {
      if (!Array.isArray(ring)) return `${where}ring ${r} is not an array of positions`
      for (const [k, pos] of ring.entries()) {
        if (!Array.isArray(pos) || pos.length < 2 || !pos.every((x) => typeof x === 'number' && Number.isFinite(x))) {
          return `${where}ring ${r}, position ${k}: ${JSON.stringify(pos)?.slice(0, 60)} is not [longitude, latitude] as numbers`
        }
        const [lon, lat] = pos as number[]
        if (Math.abs(lon!) > 180 || Math.abs(lat!) > 90) {
          return `${where}ring ${r}, position ${k}: ${lon}, ${lat} is outside longitude ±180 / latitude ±90 (the file must be in WGS 84 degrees)`
        }
      }
      // Not required closed: real files hold the odd open ring, which the import's repair closes.
      if (ring.length < 4) return `${where}ring ${r} has ${ring.length} positions; a ring needs at least 4 (its first repeated as its last)`
    }
  }
  return null
}

/** Imports (or re-imports, updating in place) the regions of a GeoJSON file, in batches. */
export async function importRegionsFile(db: Kysely<Database>, file: string, opts: ImportOptions = {}): Promise<ImportResult> {
  return importRegions(db, await readRegionsFile(file, opts), opts)
}

/** The regions of a GeoJSON file, every feature checked (regionsFromGeoJSON), or one clear ImportError. */
export async function readRegionsFile(file: string, opts: ImportOptions = {}): Promise<RegionInput[]> {
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    throw new ImportError(e.code === 'ENOENT' ? `file not found: ${file}` : `not GeoJSON: ${file} is not valid JSON (${e.message})`)
  }
  return regionsFromGeoJSON(doc, opts)
}

export async function importRegions(db: Kysely<Database>, regions: RegionInput[], opts: ImportOptions = {}): Promise<ImportResult> {
  const batch = opts.batchSize ?? 100
  const result: ImportResult = { imported: 0, skipped: [] }
  for (let i = 0; i < regions.length; i += batch) {
    const slice = regions.slice(i, i + batch)
    const written = new Set(await db.transaction().execute((trx) => upsertRegions(trx, slice, opts.isDemo ?? false)))
    result.imported += written.size
    slice.forEach((r, j) => {
      if (!written.has(r.code)) result.skipped.push({ index: i + j, code: r.code, reason: 'geometry has no polygon area after repair' })
    })
    opts.onProgress?.(Math.min(i + batch, regions.length), regions.length)
  }
  return result
}
