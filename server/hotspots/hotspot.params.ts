/**
 * How dense a group of reports must be to count as a hotspot. DBSCAN joins reports closer
 * than `eps_m`; a core point needs `min_points` reports within that radius. A fixed count
 * would call all of a busy city a hotspot over 30 days and nothing over one quiet hour, so
 * the count also scales with the background: at least `density_factor` times the number of
 * reports an eps-disc would hold if the window's reports were spread evenly over their extent
 * (never less than `min_area_km2`, so one tight group is not measured against itself).
 */
export interface ClusterParams {
  eps_m: number
  min_points: number
  density_factor: number
  min_area_km2: number
  /** Hull outlines are widened by this much so a hotspot of points in a row still has an area. */
  margin_m: number
}

const DAY = 86_400_000

export function clusterParams(windowMs: number): ClusterParams {
  const base = { density_factor: 4, min_area_km2: 100 }
  if (windowMs <= DAY) return { ...base, eps_m: 250, min_points: 5, margin_m: 60 }
  if (windowMs <= 7 * DAY) return { ...base, eps_m: 200, min_points: 8, margin_m: 50 }
  return { ...base, eps_m: 150, min_points: 12, margin_m: 40 }
}

/** Trend of a hotspot's area against the previous window of the same length. */
export type Direction = 'growing' | 'stable' | 'shrinking'

/** A change counts only if it is both relative (25 %) and absolute (3 reports). */
export function direction(current: number, previous: number): Direction {
  if (current - previous >= 3 && current >= previous * 1.25) return 'growing'
  if (previous - current >= 3 && current <= previous * 0.8) return 'shrinking'
  return 'stable'
}

/** Metres per degree of latitude, used for eps in degrees (Indonesia lies within 11° of the equator: under 2 % off across). */
export const M_PER_DEG = 111_320
