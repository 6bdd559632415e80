/** A ticket as GET /api/tickets and the live events carry it (server/tickets/ticket.view.ts). */
export interface Ticket {
  id: string
  category: string
  status: string
  open: boolean
  agency: { code: string; name: string } | null
  field_team: string | null
  priority: number
  is_emergency: boolean
  location: { lat: number; lon: number }
  region: { code: string; name: string } | null
  report_count: number
  created_at: string
  status_changed_at: string | null
  merged_into: string | null
  /** Other agencies with a ticket of their own on this incident. */
  added_agencies?: string[]
  /** Present when this is the viewer's agency's added ticket on another agency's incident: who leads it. */
  lead?: { agency: { code: string; name: string } | null; status: string | null }
  sla: {
    response_due_at: string | null
    resolve_due_at: string | null
    first_response_at: string | null
    resolved_at: string | null
    response_breached: boolean
    resolve_breached: boolean
    /** Since when it waits for its reporter (the resolution clock stands still). */
    paused_at?: string | null
    /** JAKI's red: six days without a change of state or staff action. */
    red?: boolean
    /** SP4N-LAPOR!'s chained clocks (tickets opened by a LAPOR! report). */
    lapor?: LaporStages | null
  }
}

/** GET /api/tickets/:id: the ticket with its history and its reports. */
export interface TicketDetail extends Ticket {
  resolution: { note: string | null; photo_ids: string[] }
  history: { id: number; kind: string; from: string | null; to: string | null; agency_code: string | null; actor: { role: string | null; name: string | null }; note: string | null; at: string }[]
  reports: { id: string; channel: string; description: string; reported_at: string; region: { code: string; name: string } | null }[]
}

export interface Photo {
  id: string
  report_id: string | null
  update_ref: string | null
  url: string
  thumb_url: string
  width: number
  height: number
  created_at: string
}

export interface Here {
  lat: number
  lon: number
  source: 'gps' | 'kelurahan' | 'map'
  /** A kelurahan's name, when picked from the list. */
  label?: string
  accuracy_m?: number
}

export interface LaporStage {
  due_at: string | null
  done_at: string | null
  late: boolean
}
/** Verification within 3 working days, then the follow-up plan within 5 working days of it. */
export interface LaporStages {
  verify: LaporStage
  plan: LaporStage
}
