import { getJson } from '../lib/api'
import { bboxAround, distanceM, type LatLon } from './intake'

/** How far around the call the operator is shown open incidents (FixMyStreet shows 250 m; calls are vaguer). */
export const NEARBY_M = 1000
const SHOWN = 5

export interface NearbyIncident {
  id: string
  lat: number
  lon: number
  status: string
  report_count: number
  region: string | null
  channels: string[]
  last_reported_at: string
  distance_m: number
  /** The first report's words, so the operator can tell whether it is the same problem. */
  description: string | null
}

interface IncidentFeature {
  id: string
  geometry: { coordinates: [number, number] }
  properties: { status: string; report_count: number; region: { name: string } | null; channels: string[]; last_reported_at: string }
}

/** Open incidents of `category` within NEARBY_M of `at`, nearest first, each with its first report's description. */
export async function findNearby(at: LatLon, category: string, signal: AbortSignal): Promise<NearbyIncident[]> {
  const q = new URLSearchParams({ bbox: bboxAround(at, NEARBY_M), category, status: 'open', limit: '200' })
  const fc = await getJson<{ features: IncidentFeature[] }>(`/api/incidents?${q}`, { signal })
  const near = fc.features
    .map((f) => {
      const [lon, lat] = f.geometry.coordinates
      return {
        id: f.id,
        lat,
        lon,
        status: f.properties.status,
        report_count: f.properties.report_count,
        region: f.properties.region?.name ?? null,
        channels: f.properties.channels,
        last_reported_at: f.properties.last_reported_at,
        distance_m: distanceM(at, { lat, lon }),
        description: null as string | null,
      }
    })
    .filter((i) => i.distance_m <= NEARBY_M)
    .sort((a, b) => a.distance_m - b.distance_m)
    .slice(0, SHOWN)
  await Promise.all(
    near.map(async (i) => {
      const detail = await getJson<{ reports: { description: string }[] }>(`/api/incidents/${i.id}`, { signal }).catch(() => null)
      i.description = detail?.reports[0]?.description ?? null
    }),
  )
  return near
}
