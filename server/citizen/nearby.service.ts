import type { Executor } from '../db/database.js'
import { matchRules } from '../incidents/incident.rules.js'
import { statusLabel } from '../status/status.labels.js'
import { openIncidentsNear } from './nearby.repository.js'

/** Open incidents shown to a citizen before they submit: enough to recognise theirs, not a map of every report. */
export const NEARBY_SHOWN = 5

/**
 * How near an open incident must be for a citizen's report of `category` to join it ("saya
 * juga"): the category's matching radius, the distance intake itself matches duplicates over.
 */
export const joinRadiusM = (category: string): number => matchRules().rule(category).radius_m

export interface NearbyIncidentView {
  id: string
  category: string
  status: string
  status_label: string
  status_label_en: string
  location: { lat: number; lon: number }
  kelurahan: string | null
  distance_m: number
  report_count: number
  first_reported_at: string
  last_reported_at: string
}

/**
 * The open incidents a citizen reporting `category` at this point may join, nearest first.
 * Only what the public map shows already (place, state, counts, times): never a reporter, the
 * words of a report or its photos, which may name people.
 */
export async function nearbyForCitizen(db: Executor, at: { lat: number; lon: number }, category: string): Promise<{ radius_m: number; incidents: NearbyIncidentView[] }> {
  const radiusM = joinRadiusM(category)
  const rows = await openIncidentsNear(db, { ...at, categories: matchRules().groupMembers(category), radiusM, limit: NEARBY_SHOWN })
  return {
    radius_m: radiusM,
    incidents: rows.map((r) => {
      const label = statusLabel(r.status)
      return {
        id: r.id,
        category: r.category_code,
        status: r.status,
        status_label: label.id,
        status_label_en: label.en,
        location: { lat: r.lat, lon: r.lon },
        kelurahan: r.region_name,
        distance_m: Math.round(r.distance_m),
        report_count: r.report_count,
        first_reported_at: new Date(r.first_reported_at).toISOString(),
        last_reported_at: new Date(r.last_reported_at).toISOString(),
      }
    }),
  }
}
