import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { replayDemoWeek } from '../server/demo/demo.history.js'
import { DemoSimulator } from '../server/demo/demo.simulator.js'
import { refreshWindow } from '../server/hotspots/hotspot.service.js'
import { HAVE_CHROMIUM, SCREENSHOTS, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig } from './helpers/browser.js'

let rig: BrowserRig
const errors: string[] = []
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
]
const SCENES = ['tickets', 'hotspots', 'heatmap', 'disputes'] as const
/** Channel codes as the database stores them: the wall names channels instead. */
const CODES = /\b(whatsapp|call_center|call112|lapor|open311|walk_in|web|app|field)\b/

async function openWall(query: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await rig.browser.newPage({ viewport })
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${rig.server.url}/wall${query}`)
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 60_000 })
  return page
}

const text = async (page: Page, id: string) => ((await page.locator(`[data-testid="${id}"]`).first().textContent()) ?? '').trim()

/** Boxes of a list and of its shown items, once its rows have been fitted (and the data is in). */
async function listBoxes(page: Page, sel: string) {
  await page.waitForFunction((s) => document.querySelector<HTMLElement>(s)?.dataset.shown !== undefined, sel)
  await page.waitForTimeout(300)
  return page.evaluate((s) => {
    const list = document.querySelector<HTMLElement>(s)!
    // The box that clips it: the list itself, or the side panel section it is in, whichever ends first.
    const box = list.getBoundingClientRect()
    const panel = list.closest('section')!.getBoundingClientRect()
    const bottom = Math.min(box.bottom, panel.bottom)
    // Drawn or not by what the browser lays out, not by the flag the list sets.
    const items = [...list.children].map((li) => ({ hidden: li.getClientRects().length === 0, top: li.getBoundingClientRect().top, bottom: li.getBoundingClientRect().bottom, text: li.textContent ?? '' }))
    return { top: box.top, bottom, items, shown: Number(list.dataset.shown) }
  }, sel)
}

describe.skipIf(!HAVE_CHROMIUM)('wall figures and panels in Chromium', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    const post = async (input: unknown) => {
      // A fresh connection each: a kept-alive one may be closed by the server during the week's replay.
      const res = await fetch(`${rig.server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body: JSON.stringify(input) })
      if (res.status !== 201) throw new Error(`intake ${res.status}`)
    }
    // A week of the demo, worked on by its agencies: resolved, late and open tickets, disputes.
    const sim = new DemoSimulator(rig.db.db, { seed: 5, ratePerSecond: 0, post })
    await sim.init()
    await sim.backfill(220, 7)
    await replayDemoWeek(rig.server.deps)
    // And the last hour's reports through every channel, for the ticker.
    await sim.backfill(24, 1 / 24)
    // And one flooded street (eight reports within 40 m): the hotspots scene always has a hotspot
    // to list, whatever the hour's random reports happen to cluster into.
    const at = await sql<{ lat: number; lon: number }>`
      SELECT ST_Y(label_point) AS lat, ST_X(label_point) AS lon FROM regions WHERE level = 'kelurahan' ORDER BY code LIMIT 1`.execute(rig.db.db)
    const { lat, lon } = at.rows[0]!
    for (let i = 0; i < 8; i++) await post({ channel: 'whatsapp', category: 'banjir', description: `Banjir setinggi lutut ${i + 1}`, location: { lat: lat + (i % 3) * 0.0001, lon: lon + Math.floor(i / 3) * 0.0001 } })
    await refreshWindow(rig.server.deps, '24h')
  }, 300_000)
  afterEach(() => {
    expect(errors.splice(0)).toEqual([])
  })
  afterAll(() => stopBrowserRig(rig))

  it('header and tickets panel give the same open and late counts, as the API and the pins do', async () => {
    const page = await openWall('?scene=tickets', { width: 1920, height: 1080 })
    const api = (await (await fetch(`${rig.server.url}/api/wall/summary`)).json()) as { open_tickets: { today: number }; late_open: { today: number } }
    expect(api.late_open.today).toBeGreaterThan(0)
    expect(api.late_open.today).toBeLessThan(api.open_tickets.today)
    await page.locator(`[data-testid="fig-open"]:text-is("${api.open_tickets.today}")`).waitFor({ timeout: 15_000 })
    expect(await text(page, 'fig-late')).toBe(String(api.late_open.today))
    expect(await text(page, 'tickets-total')).toBe(String(api.open_tickets.today))
    expect(await text(page, 'tickets-breached')).toBe(String(api.late_open.today))
    // The pins ringed as late are the same tickets.
    expect(await page.locator('[data-testid="tickets-breached"]').getAttribute('data-pins')).toBe(String(api.late_open.today))
    // Each figure says what period it covers.
    const header = await page.locator('.figures').textContent()
    for (const words of ['Tiket terbuka saat ini', 'Tiket baru hari ini', 'Lewat SLA saat ini', 'Median respons hari ini']) expect(header).toContain(words)
    expect(await page.locator('[data-testid="scene-panel-tickets"]').textContent()).toContain('tiket terbuka saat ini')
    await page.close()
  }, 120_000)

  it("agency response: the shares within and past SLA are the review's for the same 7 days", async () => {
    const { page: lead } = await signedInPage(rig.browser, rig.server.url, rig.db, 'leadership')
    const page = await openWall('?scene=heatmap', { width: 1920, height: 1080 })
    await page.locator('[data-testid="heat-agency"]').first().waitFor({ timeout: 20_000 })
    const review = (await (await lead.request.get(`${rig.server.url}/api/review/summary?period=week`)).json()) as { totals: { share_within_sla: number | null; breached: number; tickets: number } }
    const pf = new Intl.NumberFormat('id-ID', { style: 'percent', maximumFractionDigits: 0 })
    expect(review.totals.share_within_sla).not.toBeNull()
    expect(await text(page, 'heat-within')).toBe(pf.format(review.totals.share_within_sla!))
    expect(await text(page, 'heat-share')).toBe(pf.format(review.totals.breached / review.totals.tickets))
    expect(await page.locator('[data-testid="scene-panel-heatmap"]').textContent()).toContain('7 hari terakhir')
    await lead.close()
    await page.close()
  }, 120_000)

  for (const size of SIZES) {
    for (const scene of SCENES) {
      it(`${scene} at ${size.width}x${size.height}: panel and ticker full of whole rows, channels by name`, async () => {
        const page = await openWall(`?scene=${scene}`, size)
        const ticker = await listBoxes(page, '[data-testid="ticker"]')
        const shown = ticker.items.filter((i) => !i.hidden)
        expect(shown.length).toBe(ticker.shown)
        // Whole rows only (the last one was cut at 1280), and the box filled: the room left
        // below the last row is less than one more row.
        const rowH = shown[0]!.bottom - shown[0]!.top
        for (const i of shown) expect(i.bottom).toBeLessThanOrEqual(ticker.bottom + 0.5)
        expect(ticker.items.length).toBeGreaterThan(shown.length)
        expect(ticker.bottom - shown.at(-1)!.bottom).toBeLessThan(rowH)
        // Channels by their names, never the codes they are stored under.
        const tickerText = shown.map((i) => i.text).join(' | ')
        expect(tickerText).not.toMatch(CODES)
        expect(tickerText).toMatch(/WhatsApp|Call center 112|Aplikasi|SP4N-LAPOR!|Web|Petugas lapangan|Datang langsung/)

        const list = { tickets: 'tickets-oldest', hotspots: 'hotspot-list', heatmap: 'heat-agencies', disputes: 'dispute-list' }[scene]
        await page.locator(`[data-testid="${list}"] > li`).first().waitFor({ timeout: 20_000 })
        const rows = await listBoxes(page, `[data-testid="${list}"]`)
        expect(rows.shown).toBeGreaterThan(0)
        for (const i of rows.items.filter((x) => !x.hidden)) expect(i.bottom).toBeLessThanOrEqual(rows.bottom + 0.5)
        // The panel and the ticker end inside the screen, and nothing in them runs past their
        // right edge (at 1280 the priority boxes did, 'P4 rendah' cut off).
        const side = await page.locator('aside.side').boundingBox()
        expect(side!.y + side!.height).toBeLessThanOrEqual(size.height)
        const past = await page.evaluate(() =>
          [...document.querySelectorAll('aside.side section')].flatMap((sec) => {
            const edge = sec.getBoundingClientRect().right
            return [...sec.querySelectorAll('*')].filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().right > edge + 0.5).map((e) => e.textContent?.trim().slice(0, 30))
          }),
        )
        expect(past).toEqual([])
        await page.waitForTimeout(1500)
        await page.screenshot({ path: join(SCREENSHOTS, `wall-panels-${scene}-${size.width}x${size.height}.png`) })
        await page.close()
      }, 120_000)
    }
  }

  // One layout scaled to the screen (web/src/wall/sizes.ts): a 16:10 tablet has a little more
  // height for its width than the 16:9 wall, so at least as many rows; never fewer.
  it('shows at least as many rows on the proportionally taller screen', async () => {
    const counts: number[] = []
    for (const size of SIZES) {
      const page = await openWall('?scene=tickets', size)
      // The side column's lists together: the panel's oldest tickets and the ticker share its height.
      counts.push((await listBoxes(page, '[data-testid="tickets-oldest"]')).shown + (await listBoxes(page, '[data-testid="ticker"]')).shown)
      await page.close()
    }
    expect(counts[1]).toBeGreaterThanOrEqual(counts[0]!)
    expect(counts[0]).toBeGreaterThanOrEqual(2)
  }, 120_000)
})
