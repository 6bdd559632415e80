/**
 * How large the wall's text must be to be read from across the command room, worked out once:
 * the screen's CSS (Wall.svelte sets these as custom properties), the map's names and the test
 * that measures the rendered wall (tests/e2e.wall-sizes.test.ts) all take their figures from here.
 *
 * The room: a 55" 16:9 screen at 1920x1080, read from 4 m.
 *   width = 55 in × 25.4 × 16/√(16²+9²) = 1217.6 mm → one pixel is 1217.6 / 1920 = 0.634 mm
 *   1 arcmin at 4 m = 4000 mm × tan(1/60°) = 1.164 mm = 1.84 px
 * ANSI/HFES 100-2007 (and ISO 9241-303): a character that must be read is at least 16 arcmin
 * tall (capital height), 20–22 preferred; about 10 arcmin will do for text not needed for the
 * task. So capitals of 16 × 1.84 = 29.4 px for what the room reads (figures, their labels and
 * comparisons, list items, legends, the connection line) and 10 × 1.84 = 18.4 px for fine print
 * (kelurahan names on the map, the date, column captions).
 * Font size from capital height: the wall's sans fonts have capitals of 0.70 em (Segoe UI) to
 * 0.73 em (DejaVu Sans, Inter); sizing by the smallest keeps every one of them above the line.
 */
export const ROOM = { diagonalIn: 55, widthPx: 1920, heightPx: 1080, distanceMm: 4000 } as const

const widthMm = ROOM.diagonalIn * 25.4 * (16 / Math.hypot(16, 9))
export const PIXEL_MM = widthMm / ROOM.widthPx
export const ARCMIN_PX = (ROOM.distanceMm * Math.tan(Math.PI / (180 * 60))) / PIXEL_MM

/** Smallest capital heights, in CSS pixels at 1920x1080: read from 4 m, and fine print. */
export const CAP_READ_PX = 16 * ARCMIN_PX
export const CAP_FINE_PX = 10 * ARCMIN_PX
/** Capital height over font size of the narrowest-capped font the wall may fall back to. */
export const CAP_RATIO = 0.7

const font = (cap: number) => Math.ceil(cap / CAP_RATIO)

/**
 * Font sizes in CSS pixels at 1920x1080 (they scale with the screen: twice at 3840x2160, two
 * thirds on a 1280-wide tablet, whose reader sits closer). `read` 42, `fine` 27; the headline
 * figures and titles are larger on purpose, not by the rule.
 */
export const FONT_PX = {
  figure: 68,
  title: 50,
  read: font(CAP_READ_PX),
  fine: font(CAP_FINE_PX),
} as const

/** Names on the wall's map (deck.gl text, CSS pixels at 1920x1080): kecamatan larger, all at least fine print. */
export const MAP_LABEL_PX = {
  kecamatan: 34,
  /** A hotspot's "12 ▲" pill. */
  count: 34,
  /** Kelurahan, roads, rivers, landmarks. */
  name: FONT_PX.fine,
} as const

/** The wall's scale: 1 at 1920x1080, 2 at 3840x2160, 0.67 at 1280x800 (the layout is the same, only larger or smaller). */
export const wallScale = (width: number, height: number) => Math.min(width / ROOM.widthPx, height / ROOM.heightPx)
