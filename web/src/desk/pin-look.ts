import { rgba } from '../map/map-context'
import type { PinLook, Rgba } from '../map/pins'
import type { DeskTicket } from './queue.svelte'
import type { DeskDetail, Nearby } from './types'

/** What the desk's map shows: the queue as it is filtered, or the chosen ticket and what is around it. */
export interface Pin {
  id: string
  lat: number
  lon: number
  kind: 'queue' | 'ticket' | 'report' | 'nearby'
  label?: string
  /** A queue pin's category colour. */
  color?: string
  emergency?: boolean
}

/**
 * With no ticket chosen, every ticket of the queue as filtered (where the work is, at a glance;
 * a click picks one); with one chosen, it, its reports' points and the open incidents near it
 * (none while it loads). The chosen ticket is last: drawn on top.
 */
export function deskPins(chosen: boolean, detail: DeskDetail | null, nearby: readonly Nearby[], queue: readonly DeskTicket[], colors: Record<string, string>): Pin[] {
  if (chosen && !detail) return []
  if (!detail) return queue.map((q) => ({ id: q.id, lat: q.location.lat, lon: q.location.lon, kind: 'queue', color: colors[q.category] ?? '#64748b', emergency: q.is_emergency }))
  return [
    ...nearby.map((n, i) => ({ id: n.id, lat: n.lat, lon: n.lon, kind: 'nearby' as const, label: String(i + 1) })),
    ...detail.reports.map((r) => ({ id: r.id, lat: r.location.lat, lon: r.location.lon, kind: 'report' as const })),
    { id: detail.id, lat: detail.location.lat, lon: detail.location.lon, kind: 'ticket' as const, label: String(detail.report_count) },
  ]
}

const WHITE: Rgba = [255, 255, 255, 255]
const DARK: Rgba = [11, 15, 23, 255]

/**
 * The desk's rule: queue pins in their category's colour, emergencies larger and ringed white;
 * the chosen ticket large in its category's colour and ringed, the points its
 * reports were made at small and pale, open incidents nearby amber and numbered as in the list
 * beside the map (the one picked there ringed, so the operator can tell which to merge).
 */
export const deskPinLook =
  (pins: readonly Pin[], color: string, picked: string | null) =>
  (i: number): PinLook => {
    const p = pins[i]!
    if (p.kind === 'queue') return { fill: rgba(p.color!, 235), radius: p.emergency ? 12 : 9, line: p.emergency ? WHITE : DARK, lineWidth: 2 }
    const ringed = p.kind === 'ticket' || p.id === picked
    return {
      fill: p.kind === 'ticket' ? rgba(color, 235) : p.kind === 'report' ? [233, 238, 247, 220] : [255, 176, 32, 230],
      radius: p.kind === 'ticket' ? 16 : p.kind === 'report' ? 5 : p.id === picked ? 14 : 11,
      line: ringed ? WHITE : DARK,
      lineWidth: ringed ? 4 : 2,
      mark: p.label,
    }
  }

export const DESK_MARKS = { size: 12, color: [6, 18, 28, 255] as Rgba, weight: 700 }
