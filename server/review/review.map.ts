import { bbox } from '@turf/bbox'
import type { Geometry } from 'geojson'
import type PDFDocument from 'pdfkit'
import type { HotspotFeature } from '../hotspots/hotspot.service.js'
import type { RegionShape } from './review.repository.js'
import { num, words, type Lang } from './review.words.js'

type Doc = InstanceType<typeof PDFDocument>
type Ring = [number, number][]
export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** Light-to-dark classes of problem load (reports per kelurahan), printable in grey too. */
export const LOAD_COLORS = ['#f2f2ee', '#fde7b0', '#fbc36b', '#f38b3c', '#d9482b', '#9e1f1a']

/** Class limits for counts: 0, then up to five roughly equal-sized groups of the non-zero counts. */
export function loadBreaks(counts: number[]): number[] {
  const nz = counts.filter((c) => c > 0).sort((a, b) => a - b)
  if (nz.length === 0) return []
  const out: number[] = []
  for (let k = 1; k <= 5; k++) {
    const v = nz[Math.min(nz.length - 1, Math.ceil((k / 5) * nz.length) - 1)]!
    if (!out.includes(v)) out.push(v)
  }
  return out
}

/** The colour class of a count: with fewer than five groups, the classes spread so that the top is always the darkest. */
function classOf(n: number, breaks: number[]): number {
  if (n <= 0 || breaks.length === 0) return 0
  const i = breaks.findIndex((b) => n <= b)
  const k = i < 0 ? breaks.length - 1 : i
  return Math.round(((k + 1) * 5) / breaks.length)
}

function polygonsOf(g: { type: string; coordinates: unknown }): Ring[][] {
  if (g.type === 'Polygon') return [g.coordinates as Ring[]]
  if (g.type === 'MultiPolygon') return g.coordinates as Ring[][]
  return []
}

/**
 * An equirectangular projection (x scaled by cos of the middle latitude) that fits `extent`
 * into `box`, centred: at a regency's size the distortion is far below what a page shows.
 */
export function projection(extent: [number, number, number, number], box: Box) {
  const [w, s, e, n] = extent
  const k0 = Math.cos((((s + n) / 2) * Math.PI) / 180)
  const spanX = Math.max((e - w) * k0, 1e-6)
  const spanY = Math.max(n - s, 1e-6)
  const scale = Math.min(box.w / spanX, box.h / spanY)
  const ox = box.x + (box.w - spanX * scale) / 2
  const oy = box.y + (box.h - spanY * scale) / 2
  return ([lon, lat]: [number, number]): [number, number] => [ox + (lon - w) * k0 * scale, oy + (n - lat) * scale]
}

function tracePolygon(doc: Doc, rings: Ring[], p: (c: [number, number]) => [number, number]) {
  for (const ring of rings) {
    ring.forEach((c, i) => {
      const [x, y] = p(c)
      if (i === 0) doc.moveTo(x, y)
      else doc.lineTo(x, y)
    })
    doc.closePath()
  }
}

function extentOf(shapes: RegionShape[], hotspots: HotspotFeature[]): [number, number, number, number] | null {
  const geometries = [...shapes.map((r) => r.geometry), ...hotspots.map((h) => h.geometry)] as Geometry[]
  if (geometries.length === 0) return null
  return bbox({ type: 'GeometryCollection', geometries }) as [number, number, number, number]
}

/**
 * The report's map, drawn as vectors: kelurahan shaded by their report count, kecamatan
 * outlines and names, hotspot outlines with their report counts, and a legend below.
 */
export function drawMap(doc: Doc, box: Box, shapes: RegionShape[], loadByCode: Map<string, number>, hotspots: HotspotFeature[], lang: Lang) {
  const w = words(lang)
  const legendH = 34
  const mapBox = { x: box.x, y: box.y, w: box.w, h: box.h - legendH }
  doc.save().rect(mapBox.x, mapBox.y, mapBox.w, mapBox.h).fillAndStroke('#fbfbf9', '#c8c8c0').restore()
  const extent = extentOf(shapes, hotspots)
  if (!extent) {
    doc.font('Helvetica').fontSize(10).fillColor('#777').text(w.noBoundaries, mapBox.x, mapBox.y + mapBox.h / 2 - 5, { width: mapBox.w, align: 'center' })
    return
  }
  const p = projection(extent, { x: mapBox.x + 10, y: mapBox.y + 10, w: mapBox.w - 20, h: mapBox.h - 20 })
  const kel = shapes.filter((r) => r.level === 'kelurahan')
  const kec = shapes.filter((r) => r.level === 'kecamatan')
  const breaks = loadBreaks(kel.map((r) => loadByCode.get(r.code) ?? 0))

  doc.save().rect(mapBox.x, mapBox.y, mapBox.w, mapBox.h).clip()
  doc.lineWidth(0.35).lineJoin('round')
  for (const r of kel) {
    const color = LOAD_COLORS[classOf(loadByCode.get(r.code) ?? 0, breaks)]!
    for (const poly of polygonsOf(r.geometry)) {
      tracePolygon(doc, poly, p)
      doc.fillAndStroke(color, '#9a9a90', 'even-odd')
    }
  }
  doc.lineWidth(1.3)
  for (const r of kec) {
    for (const poly of polygonsOf(r.geometry)) {
      tracePolygon(doc, poly, p)
      doc.stroke('#3b4a5e')
    }
  }
  for (const h of hotspots) {
    for (const poly of polygonsOf(h.geometry as RegionShape['geometry'])) {
      tracePolygon(doc, poly, p)
      doc.fillOpacity(0.22).lineWidth(1.6).fillAndStroke('#c8102e', '#c8102e', 'even-odd').fillOpacity(1)
    }
  }
  doc.font('Helvetica-Bold').fontSize(7.5).fillColor('#1d2733')
  for (const r of kec) {
    const [x, y] = p(r.label)
    const label = r.name.toUpperCase()
    const tw = doc.widthOfString(label)
    // A white halo first, so the names stay readable on the darkest shading.
    doc.save().lineWidth(2).strokeColor('#ffffff').text(label, x - tw / 2, y - 4, { lineBreak: false, stroke: true, fill: false }).restore()
    doc.fillColor('#1d2733').text(label, x - tw / 2, y - 4, { lineBreak: false })
  }
  // Hotspot counts in a badge at their centre, after the names so that they stay on top.
  doc.font('Helvetica-Bold').fontSize(8)
  for (const h of hotspots) {
    const [x, y] = p(h.properties.centre)
    const label = num(h.properties.count, lang)
    const r = Math.max(7, doc.widthOfString(label) / 2 + 3.5)
    doc.circle(x, y, r).fillAndStroke('#c8102e', '#ffffff')
    doc.fillColor('#ffffff').text(label, x - r, y - 3.2, { width: 2 * r, align: 'center', lineBreak: false })
  }
  doc.restore()

  // Legend: the load classes, then the hotspot symbol.
  let lx = box.x
  const ly = box.y + box.h - legendH + 10
  doc.font('Helvetica').fontSize(8).fillColor('#333').text(`${w.legendLoad}:`, lx, ly + 2, { lineBreak: false })
  lx += doc.widthOfString(`${w.legendLoad}:`) + 8
  const labels = ['0', ...breaks.map((b, i) => (i === 0 ? (b === 1 ? '1' : `1–${num(b, lang)}`) : breaks[i - 1]! + 1 === b ? num(b, lang) : `${num(breaks[i - 1]! + 1, lang)}–${num(b, lang)}`))]
  labels.forEach((label, i) => {
    doc.rect(lx, ly, 14, 10).fillAndStroke(LOAD_COLORS[i === 0 ? 0 : classOf(breaks[i - 1]!, breaks)]!, '#9a9a90')
    doc.fillColor('#333').text(label, lx + 17, ly + 2, { lineBreak: false })
    lx += 22 + doc.widthOfString(label) + 8
  })
  lx += 10
  doc.circle(lx + 6, ly + 5, 6).fillAndStroke('#c8102e', '#ffffff')
  doc.fillColor('#333').text(w.legendHotspot, lx + 16, ly + 2, { lineBreak: false })
}
