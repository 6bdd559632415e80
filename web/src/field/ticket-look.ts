import { rgba } from '../map/map-context'
import type { PinLook, SelectRing } from '../map/pins'
import type { Ticket } from './types'

/**
 * The field's rule: big pins (a finger must hit them), emergencies red, larger and marked "!",
 * an amber ring on tickets with updates waiting to be sent.
 */
export const fieldTicketLook =
  (tickets: readonly Ticket[], colors: Record<string, string>, pending: ReadonlySet<string>) =>
  (i: number): PinLook => {
    const t = tickets[i]!
    const waiting = pending.has(t.id)
    return {
      fill: t.is_emergency ? [220, 38, 38, 255] : rgba(colors[t.category] ?? '#64748b'),
      radius: t.is_emergency ? 15 : 12,
      line: waiting ? [217, 119, 6, 255] : [255, 255, 255, 255],
      lineWidth: waiting ? 5 : 3,
      mark: t.is_emergency ? '!' : undefined,
    }
  }

/** A dark ring around the chosen ticket. */
export const FIELD_RING: SelectRing = { pad: 12, color: [17, 24, 39, 255], width: 4 }
export const FIELD_MARKS = { size: 18, color: [255, 255, 255, 255] as [number, number, number, number], weight: 800 }
