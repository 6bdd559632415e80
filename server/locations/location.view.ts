import type { LocationStatus } from '../db/database.js'

export interface RegionRefView {
  code: string
  name: string
}

/** What intake answers (and GET /api/reports/:id shows) about a report's location. */
export interface LocationCheckView {
  status: LocationStatus
  /** Metres from the point to the claimed region (0 inside it); null without a known claim. */
  distance_m: number | null
  detected_region: RegionRefView | null
  claimed_region: RegionRefView | null
}

export const regionRef = (code: string | null | undefined, name: string | null | undefined): RegionRefView | null =>
  code ? { code, name: name ?? code } : null

/** Distances to a decimetre: more would claim a precision the boundaries do not have. */
export const roundMetres = (m: number | null | undefined): number | null => (m === null || m === undefined ? null : Math.round(m * 10) / 10)

export function locationCheckView(c: {
  status: LocationStatus
  distance_m: number | null
  claimed_code: string | null
  claimed_name: string | null
  detected_code: string | null
  detected_name: string | null
}): LocationCheckView {
  return {
    status: c.status,
    distance_m: roundMetres(c.distance_m),
    detected_region: regionRef(c.detected_code, c.detected_name),
    claimed_region: regionRef(c.claimed_code, c.claimed_name),
  }
}

/** The check as stored on a report row (GET /api/reports/:id, lists, retried submissions). */
export function reportLocationCheck(status: LocationStatus, r: {
  claim_distance_m?: number | null
  claimed_region_code?: string | null
  claimed_region_name?: string | null
  detected_region_code?: string | null
  detected_region_name?: string | null
}): LocationCheckView {
  return locationCheckView({
    status,
    distance_m: r.claim_distance_m ?? null,
    claimed_code: r.claimed_region_code ?? null,
    claimed_name: r.claimed_region_name ?? null,
    detected_code: r.detected_region_code ?? null,
    detected_name: r.detected_region_name ?? null,
  })
}
