import type { IncidentRow } from './incident.repository.js'

/** An incident as JSON: no reporter identity ever (it goes on the socket as it is). */
export interface IncidentView {
  id: string
  category: string
  status: string
  location: { lat: number; lon: number }
  region: { code: string; name: string } | null
  report_count: number
  channels: string[]
  first_reported_at: string
  last_reported_at: string
  merged_into: string | null
  split_from: string | null
  created_at: string
  updated_at: string
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

export function incidentView(r: IncidentRow): IncidentView {
  return {
    id: r.id,
    category: r.category_code,
    status: r.status,
    location: { lat: round6(r.lat), lon: round6(r.lon) },
    region: r.region_code ? { code: r.region_code, name: r.region_name ?? r.region_code } : null,
    report_count: r.report_count,
    channels: r.channels,
    first_reported_at: r.first_reported_at.toISOString(),
    last_reported_at: r.last_reported_at.toISOString(),
    merged_into: r.merged_into,
    split_from: r.split_from,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  }
}

/** A map pin: GeoJSON Point with the fields a pin and its tooltip need. */
export function incidentFeature(r: IncidentRow) {
  const { location, ...props } = incidentView(r)
  return { type: 'Feature' as const, id: r.id, geometry: { type: 'Point' as const, coordinates: [location.lon, location.lat] }, properties: props }
}
