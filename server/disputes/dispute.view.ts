import type { DisputeAction } from '../db/database.js'
import { regionRef, roundMetres, type RegionRefView } from '../locations/location.view.js'
import { ACTIVE_STATES, type DisputeRow } from './dispute.repository.js'

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * A dispute as JSON, in lists, single answers and events alike. No reporter identity: it goes
 * on the socket as it is. `overdue` is computed from the time asked about, so it is right even
 * before the periodic check has flagged it.
 */
export function disputeView(d: DisputeRow, now: Date, overdueHours: number) {
  const active = (ACTIVE_STATES as readonly string[]).includes(d.state)
  const dueAt = new Date(d.opened_at.getTime() + overdueHours * 3_600_000)
  return {
    id: d.id,
    report_id: d.report_id,
    incident_id: d.incident_id,
    category: d.category_code,
    state: d.state,
    /** The region the reporter named, as written and as understood. */
    claim_text: d.claim_text,
    claimed_region: regionRef(d.claimed_region_code, d.claimed_name) as RegionRefView,
    detected_region: regionRef(d.detected_region_code, d.detected_name) as RegionRefView,
    location: { lat: round6(d.lat), lon: round6(d.lon) },
    accuracy_m: d.accuracy_m,
    distance_m: roundMetres(d.distance_m),
    proposal: d.proposal,
    decision: d.decision
      ? {
          decision: d.decision,
          reason: d.decision_reason,
          corrected_location: d.corrected_lat !== null && d.corrected_lon !== null ? { lat: round6(d.corrected_lat), lon: round6(d.corrected_lon) } : null,
          by: { user_id: d.decided_by_user, role: d.decided_by_role },
          at: d.decided_at?.toISOString() ?? null,
        }
      : null,
    opened_at: d.opened_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
    due_at: dueAt.toISOString(),
    overdue: active && now.getTime() >= dueAt.getTime(),
  }
}
export type DisputeView = ReturnType<typeof disputeView>

export function actionView(a: DisputeAction) {
  return {
    id: Number(a.id),
    action: a.action,
    decision: a.decision,
    by: { user_id: a.actor_user, role: a.actor_role },
    reason: a.reason,
    data: a.data,
    at: a.at.toISOString(),
  }
}
