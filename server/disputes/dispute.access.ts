import { isCommandRoom, regionWithin, type Principal } from '../auth/principal.js'
import type { StoredEvent } from '../events/event.repository.js'

/**
 * Who may see and act on location disputes. The one place the rule lives: the API (lists and
 * single disputes, through `disputeScope`) and the WebSocket (through `disputeEventFilter`)
 * both ask here.
 *
 * - A sub-district head (region_head) sees only disputes that involve one of their regions:
 *   the claimed or the detected region is one of their codes or lies under one (a kecamatan
 *   code covers its kelurahan).
 * - Everyone else who may read the map (command room, leadership, wall displays, agencies)
 *   sees all disputes: a dispute carries no reporter identity.
 */
export type DisputeScope = { all: true } | { all: false; regionCodes: string[] }

export function disputeScope(p: Principal): DisputeScope {
  if (p.role === 'region_head') return { all: false, regionCodes: p.regionCodes ?? [] }
  return { all: true }
}

export interface DisputeRegions {
  claimed_region_code: string
  detected_region_code: string
}

export function canSeeDispute(p: Principal, d: DisputeRegions): boolean {
  const s = disputeScope(p)
  return s.all || regionWithin(d.claimed_region_code, s.regionCodes) || regionWithin(d.detected_region_code, s.regionCodes)
}

/** Proposals: the head of either region, or the command room. */
export function canProposeDispute(p: Principal, d: DisputeRegions): boolean {
  if (isCommandRoom(p)) return true
  return p.role === 'region_head' && canSeeDispute(p, d)
}

/** Decisions: the command room, or the head of the region the report would move to. */
export function canDecideDispute(p: Principal, d: DisputeRegions): boolean {
  if (isCommandRoom(p)) return true
  return p.role === 'region_head' && regionWithin(d.detected_region_code, p.regionCodes ?? [])
}

/**
 * The WebSocket filter for `dispute.*` events: the event's data if this viewer may see the
 * dispute, else null (held back). Every dispute event carries `dispute` with both region codes.
 */
export function disputeEventFilter(p: Principal, ev: StoredEvent): unknown {
  const d = (ev.data as { dispute?: { claimed_region?: { code?: unknown }; detected_region?: { code?: unknown } } } | null)?.dispute
  const claimed = d?.claimed_region?.code
  const detected = d?.detected_region?.code
  // An event without both codes cannot be checked: only viewers who see everything get it.
  if (typeof claimed !== 'string' || typeof detected !== 'string') return disputeScope(p).all ? ev.data : null
  return canSeeDispute(p, { claimed_region_code: claimed, detected_region_code: detected }) ? ev.data : null
}

/** The hub's filter with `dispute.*` events decided here and every other event by `rest`. */
export function withDisputeFilter(rest: (p: Principal, ev: StoredEvent) => unknown) {
  return (p: Principal, ev: StoredEvent): unknown => (ev.type.startsWith('dispute.') ? disputeEventFilter(p, ev) : rest(p, ev))
}
