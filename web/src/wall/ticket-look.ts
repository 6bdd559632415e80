import { FLAG_EMERGENCY, FLAG_RED, PRIORITY_MASK } from '../../../server/wall/wall.codec'
import { rgba } from '../map/map-context'
import type { PinLook, Rgba } from '../map/pins'
import type { TicketStore } from './ticket-store.svelte'

/** Pixels: grows with the square root of the report count, so a 40-report incident stands out without hiding its street. */
const radiusOf = (count: number) => Math.min(26, 4 + 2.4 * Math.sqrt(Math.max(1, count)))
/** Priority 1 wears a white ring, priority 2 a grey one, the rest a thin dark edge. */
const LINE: Record<number, [number, Rgba]> = {
  1: [3, [255, 255, 255, 255]],
  2: [2, [200, 210, 225, 230]],
}
const LINE_OTHER: [number, Rgba] = [1, [11, 15, 23, 255]]
/** JAKI's red (six days without a response): a red ring, whatever the priority. */
const LINE_RED: [number, Rgba] = [3, [255, 45, 60, 255]]

/** The wall's rule: colour = category, size = reports, ring = priority (red: six days without a response), pulse = emergency. */
export function wallTicketLook(store: Pick<TicketStore, 'flags' | 'cats' | 'counts' | 'categories'>, colors: Record<string, string>): (i: number) => PinLook {
  // Filled as categories are met: the store learns new ones after this rule was made (a
  // category keeps its index in the store for good).
  const palette: Rgba[] = []
  return (i) => {
    const f = store.flags[i]!
    const c = store.cats[i]!
    const fill = (palette[c] ??= rgba(colors[store.categories[c] ?? ''] ?? '#c7c7cc', 235))
    const [lineWidth, line] = f & FLAG_RED ? LINE_RED : (LINE[f & PRIORITY_MASK] ?? LINE_OTHER)
    return { fill, radius: radiusOf(store.counts[i]!), line, lineWidth, pulse: (f & FLAG_EMERGENCY) !== 0 }
  }
}
