import PDFDocument from 'pdfkit'
import type { RegionShape } from './review.repository.js'
import { drawMap } from './review.map.js'
import type { ReviewData } from './review.service.js'
import { duration, num, percent, wibDate, words, type Lang } from './review.words.js'

type Doc = InstanceType<typeof PDFDocument>

/** The report always has these pages, in this order (tables are cut to what a page holds). */
export const REPORT_PAGES = 4
const PAGE = { w: 841.89, h: 595.28, margin: 36 }
const INK = '#1d2733'
const MUTED = '#5d6b7e'
const ACCENT = '#0b5cad'

interface Column {
  title: string
  width: number
  align?: 'left' | 'right'
}

/** A plain table: a shaded header, zebra rows, numbers right-aligned. Returns the y below it. */
function table(doc: Doc, x: number, y: number, cols: Column[], rows: string[][], opts: { rowH?: number; size?: number } = {}): number {
  const rowH = opts.rowH ?? 17
  const size = opts.size ?? 8.5
  const width = cols.reduce((a, c) => a + c.width, 0)
  const cell = (text: string, cx: number, cy: number, c: Column, bold: boolean) =>
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).fillColor(INK)
      .text(text, cx + 4, cy + (rowH - size) / 2 + 0.5, { width: c.width - 8, align: c.align ?? 'left', lineBreak: false, ellipsis: true, height: rowH })
  doc.rect(x, y, width, rowH + 4).fill('#e4e9f0')
  let cx = x
  for (const c of cols) {
    doc.font('Helvetica-Bold').fontSize(size - 0.5).fillColor(INK).text(c.title, cx + 4, y + (rowH + 4 - size) / 2 + 0.5, { width: c.width - 8, align: c.align ?? 'left', lineBreak: false, ellipsis: true })
    cx += c.width
  }
  y += rowH + 4
  rows.forEach((r, i) => {
    if (i % 2 === 1) doc.rect(x, y, width, rowH).fill('#f5f7fa')
    let rx = x
    r.forEach((text, j) => {
      cell(text, rx, y, cols[j]!, j === 0)
      rx += cols[j]!.width
    })
    y += rowH
  })
  doc.moveTo(x, y).lineTo(x + width, y).lineWidth(0.6).stroke('#b8c2d0')
  return y
}

function heading(doc: Doc, text: string, x: number, y: number, width: number): number {
  doc.font('Helvetica-Bold').fontSize(13).fillColor(ACCENT).text(text, x, y, { width, lineBreak: false })
  return y + 20
}

function note(doc: Doc, text: string, x: number, y: number, width: number): number {
  doc.font('Helvetica-Oblique').fontSize(9).fillColor(MUTED).text(text, x, y, { width })
  return y + 16
}

function periodText(d: ReviewData, lang: Lang): string {
  const w = words(lang)
  const from = new Date(d.window.from)
  // The last instant inside the window, so that a month ending at midnight shows its last day.
  const to = new Date(new Date(d.window.to).getTime() - 1)
  const span = `${wibDate(from, lang, d.window.key === 'week' || d.window.key === 'month')} – ${wibDate(to, lang, d.window.key === 'week' || d.window.key === 'month')} WIB`
  const name = d.window.key === 'week' ? w.week : d.window.key === 'month' ? w.month : null
  return name ? `${name} (${span})` : span
}

function header(doc: Doc, d: ReviewData, lang: Lang, opts: PdfOptions = {}) {
  const w = words(lang)
  doc.rect(0, 0, PAGE.w, 58).fill('#0f2540')
  const title = `SIGAP · ${w.title}${opts.authority ? ` · ${opts.authority}` : ''}`
  doc.font('Helvetica-Bold').fontSize(17).fillColor('#ffffff').text(title, PAGE.margin, 14, { lineBreak: false })
  if (opts.demo) {
    const mark = lang === 'en' ? 'DEMO · sample data' : 'DEMO · data contoh'
    doc.font('Helvetica-Bold').fontSize(12)
    const mw = doc.widthOfString(mark) + 16
    doc.rect(PAGE.w - PAGE.margin - mw, 10, mw, 20).fill('#c62828')
    doc.fillColor('#ffffff').text(mark, PAGE.w - PAGE.margin - mw + 8, 14, { lineBreak: false })
  }
  doc.font('Helvetica').fontSize(10).fillColor('#cfe0f5').text(`${w.period}: ${periodText(d, lang)}`, PAGE.margin, 36, { lineBreak: false })
  const gen = `${w.generated}: ${wibDate(new Date(d.generated_at), lang, true)} WIB`
  doc.text(gen, PAGE.w - PAGE.margin - doc.widthOfString(gen), 36, { lineBreak: false })
}

function change(current: number, previous: number, lang: Lang): string {
  const diff = current - previous
  // The standard PDF fonts have no U+2212 minus sign: a hyphen stands in for it.
  const sign = diff > 0 ? '+' : diff < 0 ? '-' : '±'
  return `${sign}${num(Math.abs(diff), lang)}`
}

function figuresPanel(doc: Doc, d: ReviewData, lang: Lang, x: number, y: number, width: number) {
  const w = words(lang)
  const t = d.totals
  y = heading(doc, w.figures, x, y, width)
  const items: [string, string, string?][] = [
    [
      w.reports,
      num(t.reports, lang),
      t.previous_covered ? `${change(t.reports, t.reports_previous, lang)} ${lang === 'en' ? 'vs' : 'dari'} ${w.vsPrevious} (${num(t.reports_previous, lang)})` : w.noPrevious,
    ],
    [w.tickets, num(t.tickets, lang)],
    [w.resolved, num(t.resolved, lang)],
    [w.backlog, num(t.backlog, lang)],
    [w.medianResponse, duration(t.response_p50_min, lang)],
    [w.medianResolve, duration(t.resolve_p50_min, lang)],
    [w.withinSla, percent(t.share_within_sla, lang)],
    [w.breached, num(t.breached, lang)],
    [w.rating, t.rating_mean === null ? '–' : `${num(t.rating_mean, lang, 2)} (n=${num(t.ratings, lang)})`],
  ]
  for (const [label, value, sub] of items) {
    doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(label, x, y + 3, { width: width * 0.55, lineBreak: false })
    doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(value, x + width * 0.5, y, { width: width * 0.5, align: 'right', lineBreak: false })
    y += 19
    if (sub) {
      doc.font('Helvetica').fontSize(7.5).fillColor(MUTED).text(sub, x, y - 4, { width, align: 'right', lineBreak: false })
      y += 9
    }
    doc.moveTo(x, y - 2).lineTo(x + width, y - 2).lineWidth(0.4).stroke('#dde3ea')
  }
  y += 10
  y = heading(doc, w.topCategories, x, y, width)
  const top = d.categories.slice(0, 6)
  const max = Math.max(1, ...top.map((c) => c.count))
  for (const c of top) {
    doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(lang === 'en' ? c.name_en : c.name, x, y, { width: width * 0.45, lineBreak: false, ellipsis: true })
    const bw = (width * 0.4 * c.count) / max
    doc.rect(x + width * 0.47, y, Math.max(1, bw), 9).fill(c.color)
    doc.font('Helvetica-Bold').fontSize(8.5).fillColor(INK).text(num(c.count, lang), x + width * 0.8, y, { width: width * 0.2, align: 'right', lineBreak: false })
    y += 15
  }
}

const trendWord = (dir: string, lang: Lang) => {
  const w = words(lang)
  return dir === 'growing' ? w.growing : dir === 'shrinking' ? w.shrinking : w.stable
}

/**
 * The periodic report as a PDF: page 1 the key figures beside the map, page 2 the agencies,
 * page 3 the regions ranked, the hotspots and the categories. Content streams are left
 * uncompressed when asked (tests read the text back).
 */
export interface PdfOptions {
  compress?: boolean
  /** The government the report is for (SIGAP_AUTHORITY_NAME), on every page's header. */
  authority?: string | undefined
  /** Demo mode: every page says its figures are made up. */
  demo?: boolean
}

export function reportPdf(d: ReviewData, shapes: RegionShape[], lang: Lang, opts: PdfOptions = {}): Promise<Buffer> {
  const w = words(lang)
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE.margin,
    bufferPages: true,
    compress: opts.compress ?? true,
    info: { Title: `${opts.demo ? 'DEMO · ' : ''}${w.title}${opts.authority ? ` ${opts.authority}` : ''} — ${periodText(d, lang)}`, Author: 'sigap', Subject: w.title },
  })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const top = 76
  const inner = PAGE.w - 2 * PAGE.margin

  // Page 1: the map and the key figures.
  header(doc, d, lang, opts)
  const mapW = 540
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ACCENT).text(w.map, PAGE.margin, top, { lineBreak: false })
  const load = new Map(d.ranking.map((r) => [r.code, r.count]))
  drawMap(doc, { x: PAGE.margin, y: top + 18, w: mapW, h: PAGE.h - top - 18 - 40 }, shapes, load, d.hotspots.features, lang)
  figuresPanel(doc, d, lang, PAGE.margin + mapW + 24, top - 2, inner - mapW - 24)

  // Page 2: agencies.
  doc.addPage()
  header(doc, d, lang, opts)
  let y = heading(doc, w.agencies, PAGE.margin, top, inner)
  const agencyCols: Column[] = [
    { title: w.agency, width: 190 },
    { title: w.received, width: 52, align: 'right' },
    { title: w.resolved, width: 52, align: 'right' },
    { title: w.p50Response, width: 78, align: 'right' },
    { title: w.p90Response, width: 70, align: 'right' },
    { title: w.p50Resolve, width: 78, align: 'right' },
    { title: w.sla, width: 58, align: 'right' },
    { title: w.backlog, width: 68, align: 'right' },
    { title: w.ratingShort, width: 58, align: 'right' },
    { title: w.skm, width: 66, align: 'right' },
  ]
  if (d.agencies.length === 0) note(doc, w.noAgencies, PAGE.margin, y, inner)
  else
    table(
      doc, PAGE.margin, y, agencyCols,
      d.agencies.slice(0, 24).map((a) => [
        a.short_name,
        num(a.received, lang),
        num(a.resolved, lang),
        duration(a.response_p50_min, lang),
        duration(a.response_p90_min, lang),
        duration(a.resolve_p50_min, lang),
        percent(a.share_within_sla, lang),
        num(a.backlog, lang),
        a.rating_mean === null ? '–' : `${num(a.rating_mean, lang, 2)} (${num(a.ratings, lang)})`,
        a.skm_index === null ? '–' : `${num(a.skm_index, lang, 2)} ${a.skm_grade}`,
      ]),
    )
  y = PAGE.h - 64
  doc.font('Helvetica').fontSize(8).fillColor(MUTED).text(
    `${w.skm}: A ${w.grades.A} (88,31–100) · B ${w.grades.B} (76,61–88,30) · C ${w.grades.C} (65,00–76,60) · D ${w.grades.D} (25,00–64,99). ` +
      `${w.sla}: ${lang === 'en' ? 'share of resolved tickets resolved before their SLA due time' : 'bagian tiket selesai yang diselesaikan sebelum batas SLA'}.`,
    PAGE.margin, y, { width: inner },
  )

  // Page 3: regions, hotspots, categories.
  doc.addPage()
  header(doc, d, lang, opts)
  const half = (inner - 24) / 2
  y = heading(doc, w.regions, PAGE.margin, top, half)
  if (d.ranking.length === 0) note(doc, w.noRegions, PAGE.margin, y, half)
  else
    table(
      doc, PAGE.margin, y,
      [
        { title: '#', width: 24, align: 'right' },
        { title: w.region, width: 108 },
        { title: w.kecamatan, width: 92 },
        { title: w.count, width: 50, align: 'right' },
        { title: w.perKm2, width: 46, align: 'right' },
        { title: w.change, width: half - 320, align: 'right' },
      ],
      d.ranking.slice(0, 24).map((r) => [String(r.rank), r.name, r.parent_name ?? '', num(r.count, lang), num(r.per_km2, lang, 1), change(r.count, r.previous, lang)]),
      { rowH: 16 },
    )
  const rx = PAGE.margin + half + 24
  y = heading(doc, w.hotspots, rx, top, half)
  if (d.hotspots.features.length === 0) y = note(doc, w.noHotspots, rx, y, half)
  else
    y = table(
      doc, rx, y,
      [
        { title: '#', width: 24, align: 'right' },
        { title: w.hotspotArea, width: 160 },
        { title: w.category, width: 95 },
        { title: w.count, width: 50, align: 'right' },
        { title: w.trend, width: half - 329 },
      ],
      d.hotspots.features.slice(0, 8).map((h, i) => {
        const c = h.properties.categories[0]
        const cat = c ? (d.categories.find((x) => x.code === c.code)?.[lang === 'en' ? 'name_en' : 'name'] ?? c.code) : ''
        return [String(i + 1), h.properties.regions.map((r) => r.name).slice(0, 2).join(', ') || w.outside, cat, num(h.properties.count, lang), trendWord(h.properties.trend.direction, lang)]
      }),
      { rowH: 16 },
    )
  y = heading(doc, w.categories, rx, y + 16, half)
  table(
    doc, rx, y,
    [
      { title: w.category, width: half - 186 },
      { title: w.count, width: 56, align: 'right' },
      { title: w.previous, width: 64, align: 'right' },
      { title: w.change, width: 66, align: 'right' },
    ],
    d.categories.slice(0, 10).map((c) => [lang === 'en' ? c.name_en : c.name, num(c.count, lang), num(c.previous, lang), change(c.count, c.previous, lang)]),
    { rowH: 16 },
  )

  // Page 4: channels (WhatsApp, 112, SP4N-LAPOR!, walk-in...), with rejected hoaxes and pranks.
  doc.addPage()
  header(doc, d, lang, opts)
  y = heading(doc, w.channels, PAGE.margin, top, inner)
  if (d.channels.length === 0) note(doc, w.noAgencies, PAGE.margin, y, inner)
  else {
    const all = d.channels.reduce((a, c) => a + c.reports, 0)
    y = table(
      doc, PAGE.margin, y,
      [
        { title: w.channel, width: 170 },
        { title: w.reports, width: 90, align: 'right' },
        { title: '%', width: 60, align: 'right' },
        { title: w.tickets, width: 90, align: 'right' },
        { title: w.resolved, width: 70, align: 'right' },
        { title: w.late, width: 80, align: 'right' },
        { title: w.rejected, width: 70, align: 'right' },
        { title: w.hoax, width: 70, align: 'right' },
        { title: w.prank, width: 80, align: 'right' },
      ],
      d.channels.map((c) => [
        w.channelNames[c.channel] ?? c.channel,
        num(c.reports, lang),
        percent(all ? c.reports / all : null, lang),
        num(c.tickets, lang),
        num(c.resolved, lang),
        num(c.late, lang),
        num(c.rejected, lang),
        num(c.rejected_hoax, lang),
        num(c.rejected_prank, lang),
      ]),
      { rowH: 18 },
    )
    note(doc, w.channelNote, PAGE.margin, y + 8, inner)
  }

  // Footers, once every page exists.
  const range = doc.bufferedPageRange()
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i)
    // Below the bottom margin: without this pdfkit would start a new page for the footer.
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8).fillColor(MUTED)
    doc.text(w.privacy, PAGE.margin, PAGE.h - 24, { lineBreak: false })
    const label = `sigap · ${w.page} ${i + 1} ${w.of} ${range.count}`
    doc.text(label, PAGE.w - PAGE.margin - doc.widthOfString(label), PAGE.h - 24, { lineBreak: false })
  }
  doc.end()
  return done
}
