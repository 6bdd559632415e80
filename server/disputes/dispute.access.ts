import { isCommandRoom, regionWithin, type Principal } from '../auth/principal.js'

/**
 * Who may see and act on location disputes. The one place the rule lives: the API (lists and
 * single disputes, through `disputeScope`) and the WebSocket (auth/event.filter.ts, `regions`
 * events) both ask here.
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
