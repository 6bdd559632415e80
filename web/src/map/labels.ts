import { TextLayer } from '@deck.gl/layers'
import type { Map as MlMap } from 'maplibre-gl'
import type { DeckLayers } from './map-context'

type Rgba = [number, number, number, number]
/** Where the text sits against its point, as in MapLibre: 'top' puts the text's top edge below the point. */
export type Anchor = 'center' | 'top' | 'bottom' | 'left' | 'right'

export interface LabelSpec {
  text: string
  at: [number, number]
  /** Font size in CSS pixels. */
  size: number
  color: Rgba
  bold?: boolean
  /** Higher goes first and wins the place. */
  priority: number
  /** Places to try, in order (default: centred on the point). */
  anchors?: readonly Anchor[]
  /** Gap in pixels between the point and a non-centred label (a pin's radius, a marker's). */
  offset?: number
  /** Further gaps to try when no anchor is free at `offset` (names that should rather move than go). */
  further?: readonly number[]
  /** Shown even when it collides (hotspot counts): it still keeps others off its place. */
  always?: boolean
  /**
   * May lie over pins (never over another label), drawn beneath them: the names people find
   * their way by (kecamatan) move aside from pins where they can and stay where they cannot.
   */
  underPins?: boolean
  /** A coloured pill behind the text instead of a halo. */
  background?: Rgba
}

/** Pins and markers, each a circle of `radius` pixels, that labels must not cover. */
export interface Obstacles {
  positions: ArrayLike<number>
  /** Per pin, or one for all. */
  radii: ArrayLike<number> | number
  count: number
}

export type Box = [number, number, number, number]

const FONT = 'DejaVu Sans, Noto Sans, sans-serif'
const CELL = 48

/**
 * One placement of every screen's labels: region names, roads, landmarks and hotspot counts are
 * placed highest priority first, each at the first of its anchors where it covers neither a
 * placed label nor a pin, and left out where none is free, so no two labels ever overlap and no
 * label hides a pin (at any size or zoom). Runs again shortly after the map moves or data
 * changes. The placed boxes are written to the map's element (`data-label-boxes`) for tests.
 */
export class LabelBoard {
  private labels = new Map<string, LabelSpec[]>()
  private obstacles = new Map<string, Obstacles>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private ctx: CanvasRenderingContext2D | null = null
  private widths = new Map<string, number>()
  private destroyed = false
  private readonly again = () => this.schedule()
  halo: Rgba = [11, 15, 23, 255]
  /** Boxes on the map covered by panels (the wall's), in the map's pixels: labels stay out of them as out of the screen. */
  private keepOut: Box[] = []

  constructor(
    private readonly map: MlMap,
    private readonly deck: DeckLayers,
  ) {
    map.on('moveend', this.again)
    map.on('resize', this.again)
  }

  /** Before the map goes: its listeners off, and no placement left to run on a removed map. */
  destroy() {
    this.destroyed = true
    this.map.off('moveend', this.again)
    this.map.off('resize', this.again)
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  setLabels(owner: string, specs: LabelSpec[]) {
    this.labels.set(owner, specs)
    this.schedule()
  }

  setKeepOut(boxes: Box[]) {
    if (JSON.stringify(boxes) === JSON.stringify(this.keepOut)) return
    this.keepOut = boxes
    this.schedule()
  }

  setObstacles(owner: string, o: Obstacles) {
    this.obstacles.set(owner, o)
    this.schedule()
  }

  remove(owner: string) {
    this.labels.delete(owner)
    this.obstacles.delete(owner)
    this.schedule()
  }

  private schedule() {
    if (this.timer || this.destroyed) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.place()
    }, 120)
  }

  private width(text: string, size: number, bold: boolean): number {
    const key = `${bold ? 'b' : 'r'}${text}`
    let w = this.widths.get(key)
    if (w === undefined) {
      this.ctx ??= document.createElement('canvas').getContext('2d')
      if (!this.ctx) return text.length * 0.6
      this.ctx.font = `${bold ? 700 : 400} 100px ${FONT}`
      w = this.ctx.measureText(text).width / 100
      this.widths.set(key, w)
    }
    return w * size
  }

  private place() {
    const canvas = this.map.getCanvas()
    const W = canvas.clientWidth
    const H = canvas.clientHeight
    const grid = new Map<number, Box[]>()
    const pinGrid = new Map<number, Box[]>()
    const cellsOf = (b: Box, f: (k: number) => void) => {
      for (let x = Math.floor(b[0] / CELL); x <= Math.floor(b[2] / CELL); x++) for (let y = Math.floor(b[1] / CELL); y <= Math.floor(b[3] / CELL); y++) f(x * 100_003 + y)
    }
    const hits = (b: Box, g: Map<number, Box[]>) => {
      let hit = false
      cellsOf(b, (k) => {
        if (!hit) for (const o of g.get(k) ?? []) if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return void (hit = true)
      })
      return hit
    }
    const insert = (b: Box, g = grid) => cellsOf(b, (k) => (g.get(k) ?? g.set(k, []).get(k)!).push(b))

    const pins: Box[] = []
    for (const o of this.obstacles.values()) {
      for (let i = 0; i < o.count; i++) {
        const p = this.map.project([o.positions[2 * i]!, o.positions[2 * i + 1]!])
        if (p.x < -30 || p.y < -30 || p.x > W + 30 || p.y > H + 30) continue
        const r = typeof o.radii === 'number' ? o.radii : o.radii[i]!
        const b: Box = [p.x - r, p.y - r, p.x + r, p.y + r]
        pins.push(b)
        insert(b, pinGrid)
      }
    }

    const all = [...this.labels.values()].flat().sort((a, b) => b.priority - a.priority)
    const placed: { spec: LabelSpec; x: number; y: number; anchor: Anchor; box: Box }[] = []
    for (const spec of all) {
      const p = this.map.project(spec.at)
      const bold = spec.bold ?? false
      const pad = spec.background ? 6 : 3
      const w = this.width(spec.text, spec.size, bold) + 2 * pad
      const h = spec.size * 1.2 + (spec.background ? 4 : 2)
      // Every gap and anchor clear of pins first; over pins only for names that may lie there.
      const places = [spec.offset ?? 0, ...(spec.further ?? [])].flatMap((gap) => (spec.anchors ?? ['center']).map((anchor) => [gap, anchor] as const))
      // Labels that always show (hotspot counts, which stand on their hotspot's pins) take a place
      // free of other labels when there is one, and only then the first on the screen.
      const tries = [...places.map((x) => [...x, !spec.always] as const), ...(spec.underPins ? places.map((x) => [...x, false] as const) : [])]
      const free = tries.length
      if (spec.always) tries.push(...places.map((x) => [...x, false] as const))
      for (const [i, [gap, anchor, avoidPins]] of tries.entries()) {
        const forced = i >= free
        const [cx, cy] =
          anchor === 'top' ? [p.x, p.y + gap + h / 2] : anchor === 'bottom' ? [p.x, p.y - gap - h / 2] : anchor === 'left' ? [p.x + gap + w / 2, p.y] : anchor === 'right' ? [p.x - gap - w / 2, p.y] : [p.x, p.y]
        const box: Box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
        if (box[0] < 0 || box[1] < 0 || box[2] > W || box[3] > H) continue
        if (this.keepOut.some((o) => box[0] < o[2] && box[2] > o[0] && box[1] < o[3] && box[3] > o[1])) continue
        if (!forced && (hits(box, grid) || (avoidPins && hits(box, pinGrid)))) continue
        insert(box)
        placed.push({ spec, x: cx, y: cy, anchor, box })
        break
      }
    }

    const layer = (id: string, list: typeof placed, bold: boolean) =>
      new TextLayer<(typeof placed)[number]>({
        id,
        data: list,
        // Placed in pixels: unprojected back, centred there.
        getPosition: (d) => {
          const ll = this.map.unproject([d.x, d.y])
          return [ll.lng, ll.lat]
        },
        getText: (d) => d.spec.text,
        getSize: (d) => d.spec.size,
        getColor: (d) => d.spec.color,
        getTextAnchor: 'middle',
        getAlignmentBaseline: 'center',
        fontFamily: FONT,
        fontWeight: bold ? 700 : 400,
        characterSet: 'auto',
        fontSettings: { sdf: true, buffer: 10, radius: 10, fontSize: 64 },
        outlineWidth: 3,
        outlineColor: this.halo,
        background: list.some((d) => d.spec.background),
        getBackgroundColor: (d) => d.spec.background ?? [0, 0, 0, 0],
        backgroundPadding: [6, 2],
      })
    const plain = (bold: boolean) => placed.filter((d) => !d.spec.background && !d.spec.underPins && (d.spec.bold ?? false) === bold)
    this.deck.set('labels', 40, [layer('labels-regular', plain(false), false), layer('labels-bold', plain(true), true), layer('labels-badges', placed.filter((d) => d.spec.background), true)])
    this.deck.set('labels-under-pins', 15, [layer('labels-under-pins', placed.filter((d) => d.spec.underPins), true)])
    const el = this.map.getContainer()
    const r1 = (v: number) => Math.round(v * 10) / 10
    // Each: the box, the text, 1 if it may lie over pins, and its font size (for the size checks).
    el.dataset.labelBoxes = JSON.stringify(placed.map((d) => [...d.box.map(r1), d.spec.text, d.spec.always || d.spec.underPins ? 1 : 0, r1(d.spec.size)]))
    el.dataset.pinBoxes = JSON.stringify(pins.length <= 3000 ? pins.map((b) => b.map(r1)) : [])
    el.dataset.labelsPlaced = String(placed.length)
  }
}
