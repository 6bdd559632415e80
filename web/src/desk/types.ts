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

/** GET /api/tickets/:id as the desk reads it. */
export interface DeskDetail extends DeskTicket {
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
