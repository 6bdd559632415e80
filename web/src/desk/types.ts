import type { Photo } from '../field/types'
import type { DeskTicket } from './queue.svelte'

export type { Photo }

export interface DeskReport {
  id: string
  channel: string
  description: string
  reported_at: string
  location: { lat: number; lon: number; accuracy_m: number | null }
  region: { code: string; name: string } | null
  location_check?: { status: string; distance_m: number | null; detected_region: { name: string } | null; claimed_region: { name: string } | null }
  reporter?: { name: string | null; phone: string | null; private: boolean }
}

export interface HistoryRow {
  id: number
  kind: string
  from: string | null
  to: string | null
  agency_code: string | null
  actor: { role: string | null; name: string | null }
  note: string | null
  data: Record<string, unknown> | null
  at: string
}

/** Another agency's ticket on the same incident (server/tickets/agency-ticket.view.ts). */
export interface AgencyTicket {
  id: string
  incident_id: string
  agency: { code: string; name: string }
  status: string
  open: boolean
  field_team: string | null
  created_at: string
  sla: { response_due_at: string | null; resolve_due_at: string | null; first_response_at: string | null; resolved_at: string | null; response_breached: boolean; resolve_breached: boolean; red: boolean }
}

/** GET /api/tickets/:id as the desk reads it. */
export interface DeskDetail extends DeskTicket {
  agency_tickets?: AgencyTicket[]
  reject_reason: string | null
  reject_code?: string | null
  resolution: { note: string | null; photo_ids: string[] }
  history: HistoryRow[]
  reports: DeskReport[]
}

export interface Nearby {
  id: string
  lat: number
  lon: number
  category: string
  status: string
  report_count: number
  region: string | null
  distance_m: number
}

export interface Agency {
  code: string
  short_name: string
  name: string
  active: boolean
}
