import { join } from 'node:path'
import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { refreshWindow } from '../server/hotspots/hotspot.service.js'
import { clearOfWibMidnight, wibMidnightWaitMs } from './helpers/clock.js'
import { HAVE_CHROMIUM, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS } from './helpers/browser.js'

let db: BrowserRig['db']
let server: BrowserRig['server']
let browser: BrowserRig['browser']
const pageErrors: string[] = []

const PRIVATE_NAME = 'Rahasia Dinding Sekali'
// What the test made, to compare with what the wall shows.
const made = { tickets: new Set<string>(), emergencies: new Set<string>(), cluster: 0, breachedAgency: '', dispute: { claimed: '', detected: '' } }

async function post(body: Record<string, unknown>): Promise<{ incident_id: string; incident_new: boolean; id: string }> {
  const res = await fetch(`${server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status !== 201) throw new Error(`intake ${res.status}: ${await res.text()}`)
  return (await res.json()) as { incident_id: string; incident_new: boolean; id: string }
}

/** A point inside a kelurahan (its label point), and another kelurahan far from it. */
async function twoKelurahan() {
  const res = await sql<{ code: string; name: string; lon: number; lat: number }>`
    SELECT code, name, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM regions WHERE level = 'kelurahan' ORDER BY code`.execute(db.db)
  return { a: res.rows[0]!, b: res.rows[res.rows.length - 1]!, mid: res.rows[Math.floor(res.rows.length / 2)]! }
}

async function openWall(query: string, viewport = { width: 1920, height: 1080 }): Promise<Page> {
  const page = await browser.newPage({ viewport })
  page.on('pageerror', (e) => pageErrors.push(e.message))
  await page.goto(`${server.url}/wall${query}`)
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 60_000 })
  return page
}

const text = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first().textContent()

describe.skipIf(!HAVE_CHROMIUM)('wall scenes in Chromium', () => {
  beforeAll(async () => {
    // A ticket answered 4 minutes ago must be today's, and the tests take a few minutes.
    await clearOfWibMidnight(5, 5)
    ;({ db, server, browser } = await startBrowserRig((d) => seedDemoArea(d.db)))

    const { a, b, mid } = await twoKelurahan()
    // A hotspot: twelve road-damage reports within ~40 m, through every channel.
    const channels = ['app', 'call_center', 'whatsapp', 'lapor', 'web', 'field']
    for (let i = 0; i < 12; i++) {
      const r = await post({ channel: channels[i % channels.length], category: 'jalan_rusak', description: `Jalan berlubang besar ${i}`, location: { lat: mid.lat + (i % 4) * 0.0001, lon: mid.lon + Math.floor(i / 4) * 0.0001 } })
      made.tickets.add(r.incident_id)
      made.cluster++
    }
    // Three fires far apart: three emergency tickets. One reporter asked to stay private.
    for (let i = 0; i < 3; i++) {
      const r = await post({
        channel: 'call_center',
        category: 'kebakaran',
        description: `Kebakaran rumah ${i}`,
        location: { lat: a.lat + i * 0.01, lon: a.lon },
        ...(i === 0 ? { reporter: { name: PRIVATE_NAME, phone: '+62 811 2222 3333', private: true } } : {}),
      })
      made.tickets.add(r.incident_id)
      made.emergencies.add(r.incident_id)
    }
    // A report whose pin lies in one kelurahan while it names another: a location dispute.
    const d = await post({ channel: 'whatsapp', category: 'sampah', description: 'Sampah menumpuk di pinggir jalan', location: { lat: b.lat, lon: b.lon }, claimed_region: a.code })
    made.tickets.add(d.incident_id)
    made.dispute = { claimed: a.name, detected: b.name }

    // One ticket answered 3 minutes after it came in; another past its response time (a breach today).
    const [answered, late] = [...made.tickets].filter((id) => !made.emergencies.has(id))
    await sql`UPDATE incidents SET created_at = now() - interval '4 minutes', first_response_at = now() - interval '1 minute', status = 'verified'
              WHERE id = ${answered!}::uuid`.execute(db.db)
    await sql`UPDATE incidents SET response_due_at = now() - interval '1 minute' WHERE id = ${late!}::uuid`.execute(db.db)
    made.breachedAgency = (await sql<{ agency_code: string }>`SELECT agency_code FROM incidents WHERE id = ${late!}::uuid`.execute(db.db)).rows[0]!.agency_code
    await server.sla.tick()
    // What the hotspot scheduler does every 30 s, now: the hotspots of the reports above.
    await refreshWindow(server.deps, '24h')
  }, 120_000 + wibMidnightWaitMs(5, 5))

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([])
  })

  afterAll(() => stopBrowserRig({ db, server, browser }))

  it('header: open tickets now, new today, open tickets past SLA now and median response, each against yesterday', async () => {
    const page = await openWall('?scene=tickets')
    const n = made.tickets.size
    await page.locator(`[data-testid="fig-open"]:text-is("${n}")`).waitFor({ timeout: 10_000 })
    expect(await text(page, 'fig-new')).toBe(String(n))
    expect(await text(page, 'fig-late')).toBe('1')
    expect(await text(page, 'fig-response')).toBe('3 mnt')
    // Nothing happened yesterday: every change is today's whole figure; no response yesterday to compare with.
    expect(await page.locator('[data-testid="fig-open-change"]').getAttribute('data-change')).toBe(String(n))
    expect(await page.locator('[data-testid="fig-late-change"]').textContent()).toContain('▲ +1')
    expect(await page.locator('[data-testid="fig-response-change"]').getAttribute('data-change')).toBe('')
    await page.close()
  })

  it('tickets scene: every open ticket on the map, emergencies counted, and a new one arrives live', async () => {
    const page = await openWall('?scene=tickets')
    const n = made.tickets.size
    await page.locator(`[data-testid="tickets-total"]:text-is("${n}")`).waitFor({ timeout: 10_000 })
    expect(await text(page, 'tickets-emergency')).toBe(String(made.emergencies.size))
    await page.waitForFunction(() => document.documentElement.dataset.ticketsDrawn !== undefined)
    await page.waitForTimeout(1500) // let deck.gl draw before the picture
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-tickets-1920x1080.png') })

    const { a } = await twoKelurahan()
    const r = await post({ channel: 'app', category: 'kebakaran', description: 'Kebakaran lahan', location: { lat: a.lat - 0.02, lon: a.lon + 0.02 } })
    expect(r.incident_new).toBe(true)
    await page.locator(`[data-testid="tickets-total"]:text-is("${n + 1}")`).waitFor({ timeout: 10_000 })
    expect(await text(page, 'tickets-emergency')).toBe(String(made.emergencies.size + 1))
    // The header follows (its figures are refetched at most every few seconds).
    await page.locator(`[data-testid="fig-open"]:text-is("${n + 1}")`).waitFor({ timeout: 15_000 })
    made.tickets.add(r.incident_id)
    made.emergencies.add(r.incident_id)
    expect(await page.content()).not.toContain(PRIVATE_NAME)
    await page.close()
  })

  it('hotspots scene: the cluster outlined with its report count', async () => {
    const page = await openWall('?scene=hotspots')
    const item = page.locator('[data-testid="hotspot-item"]').first()
    await item.waitFor({ timeout: 20_000 })
    expect(await text(page, 'hot-count')).toBe('1')
    expect(await item.getAttribute('data-count')).toBe(String(made.cluster))
    expect(await item.textContent()).toContain(String(made.cluster))
    await page.waitForTimeout(2000)
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-hotspots-1920x1080.png') })
    expect(await page.content()).not.toContain(PRIVATE_NAME)
    await page.close()
  })

  it('agency response scene: the agency that breached is in the table, the share past SLA shown', async () => {
    const page = await openWall('?scene=heatmap')
    const row = page.locator(`[data-testid="heat-agency"][data-agency="${made.breachedAgency}"]`)
    await row.waitFor({ timeout: 20_000 })
    expect(await row.textContent()).toMatch(/\d+\s*%/)
    expect(await text(page, 'heat-share')).toMatch(/^\d+\s*%$/)
    // The legend gives the scale's steps and names the uncoloured kelurahan.
    expect(await page.locator('[data-testid="heat-step"]').allTextContents()).toEqual(['0%', '25%', '≥ 50%', 'tanpa tiket 7 hari'])
    await page.waitForTimeout(1500)
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-heatmap-1920x1080.png') })
    await page.close()
  })

  it('disputes scene: the open dispute with the region claimed and the region found', async () => {
    const page = await openWall('?scene=disputes')
    const item = page.locator('[data-testid="dispute-item"]').first()
    await item.waitFor({ timeout: 20_000 })
    expect(await text(page, 'disputes-count')).toBe('1')
    expect(await item.textContent()).toContain(`${made.dispute.claimed} → ${made.dispute.detected}`)
    await page.waitForTimeout(1500)
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-disputes-1920x1080.png') })
    await page.close()
  })

  it('rotates through the scenes on the period the URL sets', async () => {
    const page = await openWall('?rotate=5&scenes=hotspots,tickets')
    // From whichever scene is up, on to the other and back, every 5 s.
    for (const next of ['tickets', 'hotspots', 'tickets']) {
      await page.locator(`[data-testid="scene"][data-scene="${next}"]`).waitFor({ timeout: 15_000 })
      await page.locator(`[data-testid="scene-panel-${next}"]`).waitFor()
    }
    await page.close()
  })

  it('fits a 1280x800 desktop: the header and the side panel end inside the screen', async () => {
    const page = await openWall('?scene=tickets', { width: 1280, height: 800 })
    await page.locator(`[data-testid="tickets-total"]:text-is("${made.tickets.size}")`).waitFor({ timeout: 20_000 })
    // The wall hides its overflow, so a too-wide header shows as panels cut off at the right, not as a scrollbar.
    for (const sel of ['[data-testid="live-status"]', '[data-testid="scene-panel-tickets"]', '[data-testid="tickets-p4"]']) {
      const box = await page.locator(sel).boundingBox()
      expect(box, sel).not.toBeNull()
      expect(box!.x + box!.width, sel).toBeLessThanOrEqual(1280)
    }
    await page.waitForTimeout(1500)
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-tickets-1280x800.png') })
    // Busier figures (the demo's, longer changes against yesterday) make the header wider than
    // the screen: the map and the side panel must stay on it all the same.
    await page.addStyleTag({ content: '[data-testid="live-status"] { min-width: 420px }' })
    const side = await page.locator('[data-testid="scene-panel-tickets"]').boundingBox()
    expect(side!.x + side!.width).toBeLessThanOrEqual(1280)
    await page.close()
  })

  it('fills a 3840x2160 wall without scrollbars', async () => {
    const page = await openWall('?scene=tickets', { width: 3840, height: 2160 })
    await page.locator(`[data-testid="tickets-total"]:text-is("${made.tickets.size}")`).waitFor({ timeout: 20_000 })
    const overflow = await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }))
    expect(overflow).toEqual({ w: 3840, h: 2160 })
    await page.waitForTimeout(2000)
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-tickets-3840x2160.png') })
    await page.close()
  })
})
