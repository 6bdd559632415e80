// The review's data comes from GET /api/review/summary: the server's own types, imported for checking only.
export type { AgencyFigures, RankedRegion, ReviewData, Series } from '../../../server/review/review.service'
export type { HotspotFeature } from '../../../server/hotspots/hotspot.service'

/** A pin of GET /api/incidents (GeoJSON point feature). */
export interface IncidentPin {
  id: string
  geometry: { type: 'Point'; coordinates: [number, number] }
  properties: {
    id: string
    category: string
    status: string
    region: { code: string; name: string } | null
    report_count: number
    channels: string[]
    first_reported_at: string
    last_reported_at: string
  }
}

/** GET /api/tickets/:id, the parts the review shows (reporters are never shown to leadership). */
export interface TicketDetail {
  id: string
  category: string
  status: string
  agency: { code: string; name: string } | null
  priority: number
  is_emergency: boolean
  region: { code: string; name: string } | null
  report_count: number
  channels: string[]
  created_at: string
  sla: { response_due_at: string | null; resolve_due_at: string | null; first_response_at: string | null; resolved_at: string | null; response_breached: boolean; resolve_breached: boolean; red?: boolean }
  reports: { id: string; channel: string; description: string; reported_at: string; region: { code: string; name: string } | null }[]
}
