import { rgba } from '../map/map-context'
import type { PinLook, Rgba } from '../map/pins'

/** What the desk's map shows around the chosen ticket. */
export interface Pin {
  id: string
  lat: number
  lon: number
  kind: 'ticket' | 'report' | 'nearby'
  label?: string
}

const WHITE: Rgba = [255, 255, 255, 255]
const DARK: Rgba = [11, 15, 23, 255]

/**
 * The desk's rule: the chosen ticket large in its category's colour and ringed, the points its
 * reports were made at small and pale, open incidents nearby amber and numbered as in the list
 * beside the map (the one picked there ringed, so the operator can tell which to merge).
 */
export const deskPinLook =
  (pins: readonly Pin[], color: string, picked: string | null) =>
  (i: number): PinLook => {
    const p = pins[i]!
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
