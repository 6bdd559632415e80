import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv, Deps } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { Bbox } from '../incidents/incident.schema.js'
import { densityCells, MAX_RES, MIN_RES, resolutionForZoom } from './density.service.js'
import { hotspotIntervalMs, staleAfterMs } from './hotspot.scheduler.js'
import { computeHotspots, currentSet, type HotspotSet } from './hotspot.service.js'
import { WindowFields, WindowQuery, type TimeWindow } from './hotspot.window.js'
import { rankRegions } from './ranking.repository.js'

const Category = z.object({ category: z.string().trim().min(1).max(64).optional() })

/**
 * A time-window query (window or from/to, hotspot.window.ts) with a category and the route's own
 * fields: one object, so the document lists every parameter the route reads.
 */
function windowed<T extends z.ZodRawShape>(extra: T) {
  return z.object({ ...WindowFields.shape, ...Category.shape, ...extra }).transform((q, ctx) => {
    const w = WindowQuery.safeParse(q) // reads only its own fields
    if (!w.success) {
      for (const i of w.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message })
      return z.NEVER
    }
    return { ...q, w: w.data }
  })
}
const tags = ['hotspots']
const hotspots = defineRoute({ method: 'get', path: '/api/hotspots', tags, summary: 'Hotspots (clusters of incidents) for a time window, as GeoJSON', query: windowed({}) })

async function checkCategory(deps: Deps, code: string | undefined): Promise<void> {
  if (code !== undefined && !(await deps.categories.get(code))) {
    throw new AppError(422, 'validation_failed', `Unknown category "${code}"`, [{ field: 'category', message: `unknown category "${code}"` }])
  }
}

/**
 * Answers for chosen ranges are kept briefly per app (many screens ask the same thing); the
 * standard windows are read from the scheduler's stored sets instead.
 */
const TTL_MS = 30_000
const caches = new WeakMap<Deps, Map<string, { at: number; value: Promise<unknown> }>>()
function cached<T>(deps: Deps, key: string, make: () => Promise<T>): Promise<T> {
  let cache = caches.get(deps)
  if (!cache) caches.set(deps, (cache = new Map()))
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>
  if (cache.size > 200) cache.clear()
  const value = make()
  cache.set(key, { at: Date.now(), value })
  value.catch(() => cache.delete(key))
  return value
}
/** Standard windows slide with the clock: a key rounded to 10 s lets near-identical requests share. */
const windowKey = (w: TimeWindow) => (w.key === 'range' ? `${w.from.toISOString()},${w.to.toISOString()}` : `${w.key}@${Math.floor(w.to.getTime() / 10_000)}`)

export function hotspotRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const deps = c.var.deps
    const { w, category } = hotspots.query(c)
    await checkCategory(deps, category)
    let set: HotspotSet
    let features
    if (w.key === 'range') {
      set = await cached(deps, `h|${windowKey(w)}|${category ?? ''}`, () => computeHotspots(deps.db.db, w, { category, byCategory: false }))
      features = set.all
    } else {
      set = await currentSet(deps, w.key, staleAfterMs(hotspotIntervalMs(deps.config)))
      features = category ? (set.by_category[category] ?? []) : set.all
    }
    c.header('Content-Type', 'application/geo+json; charset=utf-8')
    return c.body(
      JSON.stringify({ type: 'FeatureCollection', window: set.window, computed_at: set.computed_at, category: category ?? null, params: set.params, features }),
    )
  })
}

const ranking = defineRoute({
  method: 'get',
  path: '/api/regions/ranking',
  tags,
  summary: 'Regions ranked by reports for a time window',
  query: windowed({
    level: z.enum(['kelurahan', 'kecamatan']).default('kelurahan'),
    sort: z.enum(['count', 'per_km2', 'change']).default('count'),
    limit: z.coerce.number().int().min(1).max(5000).default(50),
  }),
})

/** GET /api/regions/ranking: problem load per kelurahan/desa for leadership. */
export function rankingRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const deps = c.var.deps
    const q = ranking.query(c)
    const { w, category } = q
    await checkCategory(deps, category)
    const key = `r|${windowKey(w)}|${category ?? ''}|${q.level}|${q.sort}|${q.limit}`
    const rows = await cached(deps, key, () => rankRegions(deps.db.db, w, { level: q.level, category, sort: q.sort, limit: q.limit }))
    return c.json({
      window: { key: w.key, from: w.from.toISOString(), to: w.to.toISOString() },
      level: q.level,
      category: category ?? null,
      regions: rows.map((r, i) => ({
        rank: i + 1,
        code: r.code,
        name: r.name,
        parent: r.parent_code ? { code: r.parent_code, name: r.parent_name ?? r.parent_code } : null,
        area_km2: Math.round(r.area_km2 * 1000) / 1000,
        count: r.current,
        per_km2: Math.round((r.current / Math.max(r.area_km2, 0.01)) * 100) / 100,
        previous: r.previous,
        change: r.current - r.previous,
        change_pct: r.previous > 0 ? Math.round(((r.current - r.previous) / r.previous) * 1000) / 10 : null,
      })),
    })
  })
}

const density = defineRoute({
  method: 'get',
  path: '/api/density',
  tags,
  summary: 'Report density cells (H3) for a time window',
  query: windowed({
    bbox: Bbox,
    zoom: z.coerce.number().min(0).max(24).optional(),
    res: z.coerce.number().int().min(MIN_RES).max(MAX_RES).optional(),
  }).refine((q) => q.zoom !== undefined || q.res !== undefined, { message: 'give zoom (or res)', path: ['zoom'] }),
})

/** GET /api/density: report counts per H3 hexagon, compact ([h3, count] pairs). */
export function densityRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const deps = c.var.deps
    const q = density.query(c)
    const { w, category } = q
    await checkCategory(deps, category)
    const res = q.res ?? resolutionForZoom(q.zoom!)
    const key = `d|${windowKey(w)}|${category ?? ''}|${res}|${q.bbox.join(',')}`
    const out = await cached(deps, key, () => densityCells(deps.db.db, w, q.bbox, res, category))
    return c.json({ window: { key: w.key, from: w.from.toISOString(), to: w.to.toISOString() }, category: category ?? null, ...out })
  })
}
