import { canSeePrivateIdentity, canSeeReporter, type Principal } from '../auth/principal.js'
import type { ReportRow } from './report.repository.js'
import { reportLocationCheck, type LocationCheckView } from '../locations/location.view.js'

export interface ReportView {
  id: string
  channel: string
  external_id: string | null
  category: string
  description: string
  location: { lat: number; lon: number; accuracy_m: number | null }
  claimed_region: string | null
  region: { code: string; name: string } | null
  reported_at: string
  received_at: string
  incident_id: string | null
  location_check?: LocationCheckView
  reporter?: { name: string | null; phone: string | null; private: boolean }
}

/**
 * The one place a report becomes JSON; the reporter appears only for roles allowed to see them.
 * `inScope` false: a report shown outside the viewer's scope (a dispute seen by another agency's
 * staff) carries no identity at all, whatever the role.
 */
export function reportView(r: ReportRow, viewer: Principal, inScope = true): ReportView {
  const view: ReportView = {
    id: r.id,
    channel: r.channel,
    // A channel's message or case id leads back to the sender: part of a private reporter's identity.
    external_id: (r.reporter_private && !canSeePrivateIdentity(viewer)) || !inScope ? null : r.external_id,
    category: r.category_code,
    description: r.description,
    location: { lat: r.lat, lon: r.lon, accuracy_m: r.accuracy_m },
    claimed_region: r.claimed_region,
    region: r.region_code ? { code: r.region_code, name: r.region_name ?? r.region_code } : null,
    reported_at: r.reported_at.toISOString(),
    received_at: r.received_at.toISOString(),
    incident_id: r.incident_id,
  }
  if (r.location_status) view.location_check = reportLocationCheck(r.location_status, r)
  const mayShow = inScope && canSeeReporter(viewer, r.reporter_private)
  if (mayShow) view.reporter = { name: r.reporter_name, phone: r.reporter_phone, private: r.reporter_private }
  return view
}

/** What goes into the event log and over the WebSocket: never any reporter identity. */
export function reportEventData(r: ReportRow) {
  return {
    id: r.id,
    channel: r.channel,
    category: r.category_code,
    description: r.description.slice(0, 280),
    location: { lat: r.lat, lon: r.lon },
    region: r.region_code ? { code: r.region_code, name: r.region_name ?? r.region_code } : null,
    claimed_region: r.claimed_region,
    reported_at: r.reported_at.toISOString(),
  }
}
