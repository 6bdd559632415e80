import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { clusterParams, direction, type ClusterParams, type Direction } from './hotspot.params.js'
import { clusterReports, loadSet, lockSet, saveSet, type ClusterRow } from './hotspot.repository.js'
import { standardWindow, windowLengthMs, type StandardWindow, type TimeWindow } from './hotspot.window.js'

export interface HotspotFeature {
  type: 'Feature'
  id: string
  geometry: unknown
  properties: {
    id: string
    /** The category this hotspot was found in, or null when found across all categories. */
    category: string | null
    count: number
    centre: [number, number]
    categories: { code: string; count: number }[]
    regions: { code: string; name: string; count: number }[]
    /** Reports inside the outline in this window and in the previous window of the same length. */
    trend: { current: number; previous: number; change: number; direction: Direction }
  }
}

export interface HotspotSet {
  window: { key: string; from: string; to: string }
  computed_at: string
  params: ClusterParams
  all: HotspotFeature[]
  by_category: Record<string, HotspotFeature[]>
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

function feature(r: ClusterRow, category: string | null): HotspotFeature {
  const id = `${category ?? 'all'}:${r.first_id}`
  return {
    type: 'Feature',
    id,
    geometry: JSON.parse(r.hull) as unknown,
    properties: {
      id,
      category,
      count: r.n,
      centre: [round6(r.lon), round6(r.lat)],
      categories: r.categories.slice(0, 5).map(([code, count]) => ({ code, count })),
      regions: r.regions.slice(0, 10).map(([code, name, count]) => ({ code, name, count })),
      trend: { current: r.current, previous: r.previous, change: r.current - r.previous, direction: direction(r.current, r.previous) },
    },
  }
}

/** Hotspots of a window: across all categories (or the one given) and, with byCategory, per category. */
export async function computeHotspots(
  db: Kysely<Database>,
  w: TimeWindow,
  opts: { category?: string | undefined; byCategory: boolean },
): Promise<HotspotSet> {
  const params = clusterParams(windowLengthMs(w))
  const rows = await clusterReports(db, w, params, opts)
  const set: HotspotSet = {
    window: { key: w.key, from: w.from.toISOString(), to: w.to.toISOString() },
    computed_at: new Date().toISOString(),
    params,
    all: [],
    by_category: {},
  }
  for (const r of rows) {
    if (r.part === '*') set.all.push(feature(r, opts.category ?? null))
    else (set.by_category[r.part] ??= []).push(feature(r, r.part))
  }
  return set
}

/** What makes two sets different: the hotspots, not when they were computed. */
export function digestOf(set: HotspotSet): string {
  return createHash('sha1').update(JSON.stringify({ all: set.all, by_category: set.by_category })).digest('hex')
}

/**
 * Recomputes one standard window and stores it; when the hotspots differ from the stored
 * ones, appends `hotspots.updated` in the same transaction (a summary: clients refetch the
 * outlines from GET /api/hotspots).
 */
export async function refreshWindow(deps: Deps, key: StandardWindow, now = new Date()): Promise<{ set: HotspotSet; changed: boolean }> {
  const w = standardWindow(key, now)
  const set = await computeHotspots(deps.db.db, w, { byCategory: true })
  const digest = digestOf(set)
  const changed = await deps.db.db.transaction().execute(async (trx) => {
    await lockSet(trx, key)
    const before = await loadSet(trx, key)
    // Another process may have stored a newer computation meanwhile: keep that one.
    if (before && before.to_ts > w.to) return false
    await saveSet(trx, { window_key: key, from_ts: w.from, to_ts: w.to, computed_at: new Date(set.computed_at), digest, body: JSON.stringify(set) })
    if (before?.digest === digest) return false
    await appendEvent(trx, 'hotspots.updated', {
      window: key,
      from: set.window.from,
      to: set.window.to,
      computed_at: set.computed_at,
      digest,
      count: set.all.length,
      hotspots: set.all.slice(0, 50).map((f) => ({ id: f.id, count: f.properties.count, centre: f.properties.centre, direction: f.properties.trend.direction })),
    })
    return true
  })
  if (changed) deps.feed.poke()
  return { set, changed }
}

/** The stored set of a standard window, recomputed first if there is none or it is older than `maxAgeMs`. */
export async function currentSet(deps: Deps, key: StandardWindow, maxAgeMs: number): Promise<HotspotSet> {
  const stored = await loadSet(deps.db.db, key)
  if (stored && Date.now() - stored.computed_at.getTime() <= maxAgeMs) return stored.body as HotspotSet
  return (await refreshWindow(deps, key)).set
}
