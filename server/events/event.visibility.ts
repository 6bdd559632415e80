import { sql, type RawBuilder } from 'kysely'
import { regionWithin } from '../auth/principal.js'
import type { Audience } from './event.catalog.js'

/**
 * What one viewer may see of the event log, as data: the live filter (canView, per event in
 * memory) and the replay (visibleSql, in the query) read the same value, side by side here so
 * they cannot drift. Built from a principal by auth/event.filter.ts (viewerOf).
 */
export interface EventViewer {
  /** Sees `admins` events. */
  admin: boolean
  /** `place` events: all of them, those within some regions, or one agency's. */
  place: { all: true } | { regionCodes: string[] } | { agencyCode: string }
  /** `regions` events (disputes): all of them, or those within some regions. */
  regions: { all: true } | { regionCodes: string[] }
}

/** The columns the scope is stored in (events.audience, region_codes, agency_codes). */
export interface EventScopeColumns {
  audience: Audience | string
  region_codes: string[]
  agency_codes: string[]
}


export function canView(v: EventViewer, ev: EventScopeColumns): boolean {
  switch (ev.audience) {
    case 'everyone':
      return true
    case 'admins':
      return v.admin
    case 'regions':
      return 'all' in v.regions || ev.region_codes.some((c) => regionWithin(c, (v.regions as { regionCodes: string[] }).regionCodes))
    case 'place': {
      const p = v.place
      if ('all' in p) return true
      if ('regionCodes' in p) return ev.region_codes.some((c) => regionWithin(c, p.regionCodes))
      return ev.agency_codes.includes(p.agencyCode)
    }
    default:
      // A row written outside the catalogue: only those who see every place.
      return 'all' in v.place && v.admin
  }
}

/** The same rule as canView, as a condition on the events table aliased `e`. */
export function visibleSql(v: EventViewer): RawBuilder<boolean> {
  const inRegions = (codes: string[]) =>
    sql`EXISTS (SELECT 1 FROM unnest(e.region_codes) c, unnest(${codes}::text[]) s WHERE c = s OR starts_with(c, s || '.'))`
  const place = 'all' in v.place ? sql`true` : 'regionCodes' in v.place ? inRegions(v.place.regionCodes) : sql`${v.place.agencyCode} = ANY(e.agency_codes)`
  const regions = 'all' in v.regions ? sql`true` : inRegions(v.regions.regionCodes)
  const other = 'all' in v.place && v.admin ? sql`true` : sql`false`
  return sql<boolean>`(CASE e.audience
    WHEN 'everyone' THEN true
    WHEN 'admins' THEN ${sql.lit(v.admin)}
    WHEN 'regions' THEN ${regions}
    WHEN 'place' THEN ${place}
    ELSE ${other} END)`
}
