import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { replayDemoWeek } from '../server/demo/demo.history.js'
import { DemoSimulator } from '../server/demo/demo.simulator.js'
import { refreshWindow } from '../server/hotspots/hotspot.service.js'
import { ARCMIN_PX, CAP_FINE_PX, CAP_READ_PX } from '../web/src/wall/sizes.js'
import { HAVE_CHROMIUM, SCREENSHOTS, startBrowserRig, stopBrowserRig, type BrowserRig } from './helpers/browser.js'

// Read from 4 m on a 55" screen (web/src/wall/sizes.ts has the arithmetic): every text the room
// reads has capitals of at least 16 arcmin, fine print (marked data-fine) at least 10 arcmin,
// measured on the rendered wall at 1920x1080 in the font the browser actually drew with.
let rig: BrowserRig
const errors: string[] = []
const SCENES = ['tickets', 'hotspots', 'heatmap', 'disputes'] as const

interface Measured {
  text: string
  cap: number
  fine: boolean
  cut: boolean
}

async function openWall(scene: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await rig.browser.newPage({ viewport })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${rig.server.url}/wall?scene=${scene}`)
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 60_000 })
  // The scene's list has its data and has been fitted, and the map has placed its names.
  const list = { tickets: 'tickets-oldest', hotspots: 'hotspot-list', heatmap: 'heat-agencies', disputes: 'dispute-list' }[scene]
  await page.locator(`[data-testid="${list}"] > li`).first().waitFor({ timeout: 30_000 })
  // Placement settled: the same boxes twice in a row (it runs again as panels and data change).
  const map = page.locator('.map').first()
  let last = ''
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(500)
    const now = (await map.getAttribute('data-label-boxes')) ?? ''
    if (now && now === last) break
    last = now
  }
  return page
}

/**
 * Every visible piece of text on the wall (each text node with letters or digits, as drawn: not
 * hidden, not clipped away, inside the screen), with the capital height of the font it is drawn
 * in (canvas measureText('H') in the element's computed font) and whether it is fine print.
 */
async function measureText(page: Page): Promise<Measured[]> {
  // A string, not a function: the test runner's transform would wrap a function in helpers the page lacks.
  return page.evaluate(`(() => {
    const ctx = document.createElement('canvas').getContext('2d')
    const out = []
    const walk = document.createTreeWalker(document.querySelector('.wall'), NodeFilter.SHOW_TEXT)
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const text = n.textContent.trim()
      if (!/[\\p{L}\\p{N}]/u.test(text)) continue
      const el = n.parentElement
      const range = document.createRange()
      range.selectNodeContents(n)
      const r = range.getBoundingClientRect()
      if (r.width < 1 || r.height < 1 || r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue
      const cs = getComputedStyle(el)
      ctx.font = cs.fontStyle + ' ' + cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily
      // The letters' own ink (the range's box is the font's whole height, with room above and
      // below them): from the first line's baseline up, and the last line's baseline down.
      const m = ctx.measureText(text)
      const inkTop = r.top + m.fontBoundingBoxAscent - m.actualBoundingBoxAscent
      const inkBottom = r.bottom - m.fontBoundingBoxDescent + m.actualBoundingBoxDescent
      // Clipped away by a list that hides its overflow (a row not shown) is not on screen.
      // Cut part-way (a line half shown at a box's edge, the tails of g and y trimmed by a
      // tight line box) is a fault the test reports.
      let clipped = false
      let cut = false
      for (let a = el; a && !clipped; a = a.parentElement) {
        const acs = getComputedStyle(a)
        if (acs.visibility === 'hidden' || acs.display === 'none' || Number(acs.opacity) === 0) clipped = true
        else if (acs.overflowY !== 'visible') {
          const b = a.getBoundingClientRect()
          if (r.top >= b.bottom || r.bottom <= b.top) clipped = true
          else if (inkBottom > b.bottom + 0.5 || inkTop < b.top - 0.5) cut = true
        }
      }
      if (clipped) continue
      out.push({ text: text.slice(0, 40), cap: ctx.measureText('H').actualBoundingBoxAscent, fine: !!el.closest('[data-fine]'), cut })
    }
    return out
  })()`)
}

describe.skipIf(!HAVE_CHROMIUM)('wall text readable from 4 m in Chromium', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    const post = async (input: unknown) => {
      const res = await fetch(`${rig.server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(input) })
      if (res.status !== 201) throw new Error(`intake ${res.status}`)
    }
    // A week of the demo worked on by its agencies (every panel has rows), and a busy last day.
    const sim = new DemoSimulator(rig.db.db, { seed: 7, ratePerSecond: 0, post })
    await sim.init()
    await sim.backfill(160, 7)
    await replayDemoWeek(rig.server.deps)
    await sim.backfill(40, 0.5)
    // Bursts are drawn by the hour (none at some hours: the hotspot panel was once empty), so one is posted outright.
    await sim.pastBurst({ at: Date.now() - 3 * 3_600_000, category: 'banjir', size: 8, spreadMin: 90, radiusM: 150 })
    await refreshWindow(rig.server.deps, '24h')
  }, 300_000)
  afterAll(() => stopBrowserRig(rig))

  it('works the sizes out from the room: 1.84 px an arcmin, capitals of 29.4 px read and 18.4 px fine', () => {
    expect(ARCMIN_PX).toBeCloseTo(1.835, 2)
    expect(CAP_READ_PX).toBeCloseTo(29.37, 1)
    expect(CAP_FINE_PX).toBeCloseTo(18.36, 1)
  })

  for (const scene of SCENES) {
    it(`${scene} at 1920x1080: read text has 16-arcmin capitals, fine print 10, map names at least fine print`, async () => {
      const page = await openWall(scene, { width: 1920, height: 1080 })
      const texts = await measureText(page)
      // The things the room reads are there and measured (not skipped as hidden).
      const all = texts.map((t) => t.text).join(' | ')
      for (const words of ['Tiket terbuka', 'vs kemarin', 'Terhubung', 'Pembaruan terakhir']) expect(all).toContain(words)
      const read = texts.filter((t) => !t.fine)
      const fine = texts.filter((t) => t.fine)
      expect(read.length).toBeGreaterThan(20)
      const small = (list: Measured[], min: number) => list.filter((t) => t.cap < min - 0.05).map((t) => `${t.text} (${t.cap.toFixed(1)} px)`)
      expect(small(read, CAP_READ_PX)).toEqual([])
      expect(small(fine, CAP_FINE_PX)).toEqual([])
      // Nothing is cut off at the bottom of its box (the tickets legend's last line once was).
      expect(texts.filter((t) => t.cut).map((t) => t.text)).toEqual([])
      // Fine print is the exception: a few captions, not the panels.
      expect(fine.length).toBeLessThan(read.length / 2)

      // The map's names (deck.gl text placed by the label board): the font size of each placed
      // name, and its box, at least fine print (capitals ≥ 0.70 of the size: sizes.ts).
      const boxes = JSON.parse((await page.locator('.map').first().getAttribute('data-label-boxes')) ?? '[]') as [number, number, number, number, string, number, number][]
      expect(boxes.length).toBeGreaterThan(8)
      for (const b of boxes) {
        expect(b[6] * 0.7, b[4]).toBeGreaterThanOrEqual(CAP_FINE_PX)
        expect(b[3] - b[1], b[4]).toBeGreaterThanOrEqual(b[6])
      }
      // No name lies under a panel over the map (label boxes are in the map's pixels).
      const panels = await page.evaluate(`(() => {
        const m = document.querySelector('.map').getBoundingClientRect()
        return [...document.querySelectorAll('.scene, aside.side')].map((e) => { const r = e.getBoundingClientRect(); return [r.left - m.left, r.top - m.top, r.right - m.left, r.bottom - m.top] })
      })()`)
      for (const b of boxes) for (const p of panels as number[][]) expect(b[0] < p[2]! && b[2] > p[0]! && b[1] < p[3]! && b[3] > p[1]!, `${b[4]} ${b.slice(0, 4).join(',')} under a panel ${p.map(Math.round).join(',')}`).toBe(false)
      await page.screenshot({ path: join(SCREENSHOTS, `wall-sizes-${scene}-1920x1080.png`) })
      await page.close()
    }, 120_000)
  }

  it('the same layout at 3840x2160 (twice the size) and on a 1280x800 tablet (nothing off the screen)', async () => {
    const at = async (width: number, height: number) => {
      const page = await openWall('tickets', { width, height })
      const texts = await measureText(page)
      const min = Math.min(...texts.filter((t) => !t.fine).map((t) => t.cap))
      // Nothing runs off the screen or out of its panel on the right (at 1280 "Pembaruan terakhir" did).
      const past = (await page.evaluate(`[...document.querySelectorAll('.wall *')].filter((e) => {
          if (e.getClientRects().length === 0 || !e.textContent.trim()) return false
          const r = e.getBoundingClientRect()
          const box = e.closest('section, header, footer, .scene')?.getBoundingClientRect()
          return r.right > innerWidth + 0.5 || (box && r.right > box.right + 0.5)
        }).map((e) => e.textContent.trim().slice(0, 30))`)) as string[]
      const shown = Number(await page.locator('[data-testid="tickets-oldest"]').getAttribute('data-shown'))
      const scroll = await page.evaluate(`[document.documentElement.scrollWidth, document.documentElement.scrollHeight]`)
      await page.screenshot({ path: join(SCREENSHOTS, `wall-sizes-tickets-${width}x${height}.png`) })
      if (width === 1920) {
        // What a 20/20 eye makes of it from 4 m: one pixel an arcmin.
        const png = (await page.screenshot()).toString('base64')
        const eye = await rig.browser.newPage({ viewport: { width: Math.round(width / ARCMIN_PX), height: Math.round(height / ARCMIN_PX) } })
        await eye.setContent(`<body style="margin:0;background:#000"><img style="width:100%;display:block" src="data:image/png;base64,${png}"></body>`)
        await eye.screenshot({ path: join(SCREENSHOTS, 'wall-sizes-tickets-seen-from-4m.png') })
        await eye.close()
      }
      await page.close()
      return { min, past, shown, scroll }
    }
    const hd = await at(1920, 1080)
    const uhd = await at(3840, 2160)
    const tablet = await at(1280, 800)
    expect(uhd.min / hd.min).toBeCloseTo(2, 1)
    expect(uhd.shown).toBe(hd.shown)
    for (const s of [hd, uhd, tablet]) expect(s.past).toEqual([])
    expect(uhd.scroll).toEqual([3840, 2160])
    expect(tablet.scroll).toEqual([1280, 800])
    expect(tablet.shown).toBeGreaterThan(0)
  }, 180_000)

  it('raised no page errors', () => expect(errors).toEqual([]))
})
