import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, pastRightEdge, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig, rigApi, type Json } from './helpers/browser.js'

let rig: BrowserRig
const TABLET = { width: 1280, height: 800 }
let operator: Record<string, string>
let spots: { code: string; lon: number; lat: number }[]

const { apiUser, api } = rigApi(() => rig)
/** A ticket of the given category at a kelurahan's label point (each test its own kelurahan). */
async function ticketAt(category: string, i: number, description: string): Promise<Json> {
  const k = spots[i]!
  const r = await api('POST', '/api/reports', {}, { channel: 'whatsapp', category, description, location: { lat: k.lat, lon: k.lon } })
  expect(r.status).toBe(201)
  return r.body
}
async function officerPage(viewport = TABLET): Promise<{ page: Page; close: () => Promise<void>; errors: string[] }> {
  const { page, context } = await signedInPage(rig.browser, rig.server.url, rig.db, 'field_officer', { agencyCode: 'pupr', viewport })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(`${rig.server.url}/field`)
  await page.locator('[data-testid="ticket-count"]').waitFor({ timeout: 20_000 })
  return { page, errors, close: () => context.close() }
}

describe.skipIf(!HAVE_CHROMIUM)('field screen fixes in Chromium', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    operator = await apiUser('operator')
    spots = (await sql<{ code: string; lon: number; lat: number }>`SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code`.execute(rig.db.db)).rows
  }, 120_000)
  afterAll(() => stopBrowserRig(rig))

  it("says nothing of a change elsewhere when the officer's own update echoes back before its answer", async () => {
    const road = await ticketAt('jalan_rusak', 0, 'Jalan berlubang di depan balai desa')
    expect((await api('POST', `/api/tickets/${road.incident_id}/transition`, operator, { to: 'dispatched' })).status).toBe(200)
    const { page, close, errors } = await officerPage()
    // A slow network: the server has applied the update and its echo reaches the tablet over
    // the socket two seconds before the answer to the request does.
    await page.route('**/api/tickets/*/transition', async (route) => {
      const res = await route.fetch()
      await new Promise((r) => setTimeout(r, 2000))
      await route.fulfill({ response: res })
    })
    await page.locator(`[data-ticket-id="${road.incident_id}"]`).first().click()
    await page.locator(`[data-testid="ticket-detail"][data-ticket-id="${road.incident_id}"]`).waitFor()
    await page.locator('[data-testid="action-in_progress"]').click()
    await page.locator('[data-testid="ticket-detail"][data-status="in_progress"]').waitFor({ timeout: 10_000 })
    await page.locator('[data-testid="outbox-button"][data-count="0"]').waitFor({ timeout: 10_000 })
    await page.waitForTimeout(1000)
    expect(await page.locator('[data-testid="changed-banner"]').count()).toBe(0)
    expect(errors).toEqual([])
    await close()
  }, 90_000)

  it('announces a ticket new to the agency once, not again when it comes back', async () => {
    const { page, close, errors } = await officerPage()
    const toast = page.locator('[data-testid="toast"]')
    const waste = await ticketAt('sampah', 1, 'Sampah menutup gorong-gorong')
    expect(waste.agency_code).toBe('dlh')
    const route = async (id: string, agency: string) => expect((await api('POST', `/api/tickets/${id}/route`, operator, { agency_code: agency, reason: 'Dicoba pindah dinas' })).status).toBe(200)
    const item = page.locator(`[data-ticket-id="${waste.incident_id}"]`).first()

    await route(waste.incident_id, 'pupr')
    await item.waitFor({ timeout: 15_000 })
    await toast.waitFor()
    expect(await toast.textContent()).toContain('Sampah')
    await toast.waitFor({ state: 'detached', timeout: 15_000 })
    // Away to another agency and back: the same ticket, not news a second time.
    await route(waste.incident_id, 'dlh')
    await item.waitFor({ state: 'detached', timeout: 15_000 })
    await route(waste.incident_id, 'pupr')
    await item.waitFor({ timeout: 15_000 })
    await page.waitForTimeout(1500)
    expect(await toast.count()).toBe(0)
    // Another ticket still is.
    const tree = await ticketAt('sampah', 2, 'Sampah dibuang di saluran')
    await route(tree.incident_id, 'pupr')
    await toast.waitFor({ timeout: 15_000 })
    expect(errors).toEqual([])
    await close()
  }, 90_000)

  it('opens a ticket with about 4 km around it, not zoomed onto a lone pin', async () => {
    const road = await ticketAt('jalan_rusak', 3, 'Jembatan kecil retak')
    expect((await api('POST', `/api/tickets/${road.incident_id}/transition`, operator, { to: 'dispatched' })).status).toBe(200)
    const { page, close, errors } = await officerPage()
    await page.locator(`[data-ticket-id="${road.incident_id}"]`).first().click()
    await page.locator(`[data-testid="ticket-detail"][data-ticket-id="${road.incident_id}"]`).waitFor()
    const { lat, lon } = spots[3]!
    // The view once the map has come to the ticket and stopped (twice the same in a row).
    type View = { zoom: number; bounds: [number, number, number, number]; moving: boolean }
    let view: View | null = null
    let last = ''
    for (let i = 0; i < 40; i++) {
      await page.waitForTimeout(250)
      const now = (await page.locator('.maplibregl-map').first().getAttribute('data-view')) ?? ''
      if (now && now === last && !(JSON.parse(now) as View).moving) {
        view = JSON.parse(now) as View
        break
      }
      last = now
    }
    expect(view).not.toBeNull()
    const [w, s, e, n] = view!.bounds
    const kmWide = (e - w) * 111.32 * Math.cos((lat * Math.PI) / 180)
    const kmHigh = (n - s) * 110.57
    // At least 4 km each way (boundaries, names and neighbours in view), yet still this ticket's
    // neighbourhood rather than the whole regency; the ticket in the middle part of the view.
    expect(Math.min(kmWide, kmHigh)).toBeGreaterThanOrEqual(4)
    expect(view!.zoom).toBeLessThanOrEqual(13.01)
    expect(Math.max(kmWide, kmHigh)).toBeLessThan(30)
    expect(lon).toBeGreaterThan(w + (e - w) * 0.2)
    expect(lon).toBeLessThan(e - (e - w) * 0.2)
    expect(lat).toBeGreaterThan(s + (n - s) * 0.2)
    expect(lat).toBeLessThan(n - (n - s) * 0.2)
    expect(errors).toEqual([])
    await close()
  }, 90_000)

  it('fits a phone: the map above, the list and a ticket under it, nothing off the screen', async () => {
    const road = await ticketAt('jalan_rusak', 4, 'Aspal mengelupas di depan sekolah')
    expect((await api('POST', `/api/tickets/${road.incident_id}/transition`, operator, { to: 'dispatched' })).status).toBe(200)
    const { page, close, errors } = await officerPage({ width: 360, height: 780 })
    // Every element of the bar and the side column within the screen's width.
    const offScreen = () => pastRightEdge(page, '.top *, .side *')
    expect(await offScreen()).toEqual([])
    // The kelurahan list readable: its placeholder not cut to its first letters between the buttons.
    const picker = (await page.locator('[data-testid="pick-kelurahan"]').boundingBox())!
    expect(picker.width).toBeGreaterThan(250)
    const [map, side] = [(await page.locator('main.map').boundingBox())!, (await page.locator('aside.side').boundingBox())!]
    expect(map.height).toBeGreaterThan(200)
    expect(side.y).toBeGreaterThanOrEqual(map.y + map.height - 1)
    const item = page.locator(`.list [data-ticket-id="${road.incident_id}"]`)
    await item.scrollIntoViewIfNeeded()
    await item.click()
    await page.locator(`[data-testid="ticket-detail"][data-ticket-id="${road.incident_id}"]`).waitFor()
    expect(await offScreen()).toEqual([])
    expect(errors).toEqual([])
    await close()
  }, 60_000)
})
