import type { Layer } from '@deck.gl/core'
import type { MapboxOverlay } from '@deck.gl/mapbox'
import type { Map as MlMap } from 'maplibre-gl'
import { getContext, setContext } from 'svelte'
import type { LabelBoard } from './labels'

/**
 * deck.gl layers from several components share one overlay: each component owns the
 * layers under its ids and replaces them; the overlay gets the whole list in a fixed order.
 */
export class DeckLayers {
  private byOwner = new Map<string, { order: number; layers: Layer[] }>()
  constructor(private readonly overlay: MapboxOverlay) {}

  set(owner: string, order: number, layers: Layer[]) {
    this.byOwner.set(owner, { order, layers })
    this.push()
  }

  remove(owner: string) {
    this.byOwner.delete(owner)
    this.push()
  }

  private push() {
    const layers = [...this.byOwner.values()].sort((a, b) => a.order - b.order).flatMap((x) => x.layers)
    this.overlay.setProps({ layers })
  }
}

export interface MapContext {
  map: MlMap
  deck: DeckLayers
  /** Every label on this map, placed without overlaps (labels.ts). */
  labels: LabelBoard
}

const KEY = Symbol('sigap-map')
export const setMapContext = (ctx: MapContext) => setContext(KEY, ctx)
export const getMapContext = () => getContext<MapContext>(KEY)

/** Hex colour (#rrggbb) to the [r, g, b, a] deck.gl wants. */
export function rgba(hex: string, alpha = 255): [number, number, number, number] {
  const n = parseInt(hex.replace('#', ''), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, alpha]
}

/**
 * deck.gl text as signed distance fields, for the halo that keeps labels readable over
 * pins. The buffer must be as wide as the SDF radius: with deck.gl's default buffer (4)
 * against its radius (12), thin glyphs (i, l, J) were dropped from labels.
 */
export const SDF_FONT = { sdf: true, buffer: 10, radius: 10 }
