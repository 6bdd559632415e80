import { rgba } from '../map/map-context'
import type { PinLook, Rgba, SelectRing } from '../map/pins'
import type { IncidentPin } from './types'

const WHITE: Rgba = [255, 255, 255, 255]
const DARK: Rgba = [11, 15, 23, 255]

/** The review's rule: the tickets of the chosen hotspot in their category's colour, sized by report count. */
export const reviewTicketLook =
  (incidents: readonly IncidentPin[], colors: Record<string, string>, selected: string | null) =>
  (i: number): PinLook => {
    const d = incidents[i]!
    const chosen = d.id === selected
    return {
      fill: rgba(colors[d.properties.category] ?? '#c7c7cc', 235),
      radius: 6 + Math.min(14, Math.sqrt(d.properties.report_count) * 3),
      line: chosen ? WHITE : DARK,
      lineWidth: chosen ? 3 : 1.5,
    }
  }

/** The ticket being read: a wide white ring that stands out among its neighbours. */
export const REVIEW_RING: SelectRing = { pad: 8, color: WHITE, width: 3, fill: [255, 255, 255, 60] }
