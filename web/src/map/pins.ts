// Ticket pins as every screen hands them to TicketsLayer.svelte: the pins as columns and the
// screen's rule for how each one looks.

export type Rgba = [number, number, number, number]

/** How one pin is drawn: the screen's colour rule answers this per pin. */
export interface PinLook {
  fill: Rgba
  /** Pixels (before `scale`). */
  radius: number
  line: Rgba
  lineWidth: number
  /** An expanding red ring around it (emergencies on the wall). */
  pulse?: boolean
  /** A short text drawn on the pin (a number, "!"). */
  mark?: string
}

/**
 * The pins as columns: what deck.gl draws without an object per pin (the wall holds 100,000).
 * `positions` holds lon, lat of pin i at 2i, 2i+1.
 */
export interface PinSet {
  n: number
  positions: Float32Array
  idAt(i: number): string
}

/** A PinSet over a list of objects (the desk's, the field's and the review's few hundred). */
export function pinsOf<T>(items: readonly T[], at: (t: T) => readonly [number, number], id: (t: T) => string): PinSet {
  const positions = new Float32Array(2 * items.length)
  items.forEach((t, i) => positions.set(at(t), 2 * i))
  return { n: items.length, positions, idAt: (i) => id(items[i]!) }
}

/** A ring around the selected pin, `pad` pixels outside it. */
export interface SelectRing {
  pad: number
  color: Rgba
  width: number
  fill?: Rgba
}
