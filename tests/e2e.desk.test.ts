import { join } from 'node:path'
import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, namesUnder, openLiveScreen, placedNames, SCREENSHOTS, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig, rigApi, type Json } from './helpers/browser.js'

let rig: BrowserRig

const { apiUser, api } = rigApi(() => rig)
async function report(category: string, at: { lat: number; lon: number }, description: string, channel = 'whatsapp'): Promise<Json> {
  const r = await api('POST', '/api/reports', {}, { channel, category, description, location: at })
  expect(r.status).toBe(201)
  return r.body
}
const ticketOf = async (id: string, h: Record<string, string>) => (await api('GET', `/api/tickets/${id}`, h)).body

async function openDesk(page: Page, url: string, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 20_000 })
}
async function pick(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="queue-item"][data-ticket-id="${id}"]`).click()
  await page.locator(`[data-testid="desk-detail"][data-ticket-id="${id}"]`).waitFor()
}

describe.skipIf(!HAVE_CHROMIUM)('operator desk at 1920x1080 in Chromium', () => {
  let places: { code: string; lon: number; lat: number }[] = []
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    places = (await sql<{ code: string; lon: number; lat: number }>`SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code`.execute(rig.db.db)).rows
  })
  afterAll(() => stopBrowserRig(rig))

  it('verifies, dispatches, forwards, rejects, merges and splits from the keyboard and buttons; every move is stored', async () => {
    const ops = await apiUser('operator')
    const at = places[0]!
    const road = await report('jalan_rusak', { lat: at.lat + 0.002, lon: at.lon + 0.002 }, 'Jalan berlubang di depan pasar')
    const fire = await report('kebakaran', { lat: at.lat - 0.002, lon: at.lon }, 'Asap dari gudang kayu', 'call_center')
    const hoax = await report('sampah', { lat: at.lat, lon: at.lon - 0.003 }, 'Ada alien buang sampah')
    // Two reports of one blocked drain at one spot: one incident to split.
    const drain = await report('drainase', { lat: at.lat + 0.004, lon: at.lon - 0.004 }, 'Saluran tersumbat di gang 3')
    const drain2 = await report('drainase', { lat: at.lat + 0.004, lon: at.lon - 0.004 }, 'Got mampet, bau, di dekat masjid')
    expect(drain2.incident_id).toBe(drain.incident_id)
    // A second ticket about the same road, 150 m away in another category: to merge by hand.
    const road2 = await report('penerangan_jalan', { lat: at.lat + 0.0025, lon: at.lon + 0.0028 }, 'Lampu jalan mati dekat lubang')

    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    const errors: string[] = []
    await openDesk(page, `${rig.server.url}/desk`, errors)
    const items = page.locator('[data-testid="queue-item"]')
    await items.first().waitFor()
    // Sorted by SLA urgency: the fire's 15-minute response clock runs out first.
    expect(await items.first().getAttribute('data-ticket-id')).toBe(fire.incident_id)
    expect(await page.locator('[data-testid="queue-count"]').textContent()).toBe('5')

    // Filters: channel call_center leaves only the fire; back to all.
    // With no ticket chosen the map takes the centre too and shows where the queue's tickets are.
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.ticketsDrawn)).toBe('5')
    const mapWidth = async () => (await page.locator('section.map').boundingBox())!.width
    expect(await mapWidth()).toBeGreaterThan(1200)
    await page.locator('[data-testid="desk-pick"]').waitFor()
    await page.locator('[data-testid="f-channel"]').selectOption('call_center')
    await expect.poll(() => items.count()).toBe(1)
    // The filter narrows the map too: only the fire's pin, and a click on it picks the fire.
    const mapEl = page.locator('.maplibregl-map')
    const pinBoxes = async () => JSON.parse((await mapEl.getAttribute('data-pin-boxes')) ?? '[]') as number[][]
    await expect.poll(async () => (await pinBoxes()).length).toBe(1)
    const [[x0, y0, x1, y1]] = (await pinBoxes()) as [[number, number, number, number]]
    const mapBox = (await mapEl.boundingBox())!
    await page.mouse.click(mapBox.x + (x0 + x1) / 2, mapBox.y + (y0 + y1) / 2)
    await page.locator(`[data-testid="desk-detail"][data-ticket-id="${fire.incident_id}"]`).waitFor()
    // The chosen ticket takes the centre; the map steps aside.
    expect(await mapWidth()).toBeLessThan(700)
    expect(await page.locator('[data-testid="desk-pick"]').count()).toBe(0)
    // Esc goes back to the map of the whole queue.
    await page.locator('body').press('Escape')
    await page.locator('[data-testid="desk-pick"]').waitFor()
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.ticketsDrawn)).toBe('1')
    expect(await mapWidth()).toBeGreaterThan(1200)
    await page.locator('[data-testid="f-channel"]').selectOption('')
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.ticketsDrawn)).toBe('5')
    await page.locator('[data-testid="f-category"]').selectOption('drainase')
    await expect.poll(() => items.count()).toBe(1)
    await page.locator('[data-testid="f-category"]').selectOption('')

    // Verify with V, then dispatch with D to a field team.
    await pick(page, road.incident_id)
    await page.locator('body').press('v')
    await page.locator('[data-testid="detail-status"]', { hasText: 'Terverifikasi' }).waitFor()
    expect((await ticketOf(road.incident_id, ops)).status).toBe('verified')
    await page.locator('body').press('d')
    await page.locator('[data-testid="act-form"][data-mode="dispatch"]').waitFor()
    await page.locator('[data-testid="act-team"]').fill('Regu Jalan 1')
    await page.locator('[data-testid="act-team"]').press('Enter')
    await page.locator('[data-testid="desk-notice"][data-kind="ok"]').waitFor()
    let t = await ticketOf(road.incident_id, ops)
    expect([t.status, t.agency.code, t.field_team]).toEqual(['dispatched', 'pupr', 'Regu Jalan 1'])
    // Dispatched tickets leave the "needs action" queue.
    await expect.poll(() => page.locator(`[data-testid="queue-item"][data-ticket-id="${road.incident_id}"]`).count()).toBe(0)

    // Forward the fire to the police (another agency), with a reason.
    await pick(page, fire.incident_id)
    await page.locator('[data-testid="act-forward"]').click()
    await page.locator('[data-testid="act-agency"]').selectOption('polres')
    await page.locator('[data-testid="act-reason"]').fill('pembakaran disengaja, perlu polisi')
    await page.locator('[data-testid="act-submit"]').click()
    await page.locator('[data-testid="detail-agency"]', { hasText: /polres/i }).waitFor()
    expect((await ticketOf(fire.incident_id, ops)).agency.code).toBe('polres')

    // Reject the hoax with R, as a hoax.
    await pick(page, hoax.incident_id)
    await page.locator('body').press('r')
    await page.locator('[data-testid="reject-hoax"]').check()
    await page.locator('[data-testid="act-reason"]').fill('laporan tidak masuk akal')
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-reject-1920x1080.png') })
    await page.locator('[data-testid="act-reason"]').press('Enter')
    await expect.poll(async () => (await ticketOf(hoax.incident_id, ops)).status).toBe('rejected')
    expect(await ticketOf(hoax.incident_id, ops)).toMatchObject({ reject_reason: 'laporan tidak masuk akal', reject_code: 'hoax' })

    // Merge the street-light ticket into the road ticket's neighbour list: pick it nearby, merge here.
    await page.locator('[data-testid="f-state"]').selectOption('open')
    await pick(page, road.incident_id)
    await page.locator(`[data-testid="nearby-pick"][data-incident-id="${road2.incident_id}"]`).check()
    await page.locator('body').press('m')
    await page.locator('[data-testid="act-reason"]').fill('satu lokasi, satu masalah')
    await page.locator('[data-testid="act-submit"]').click()
    await page.locator('[data-testid="desk-detail"][data-ticket-id="' + road.incident_id + '"] [data-testid="desk-report"]').nth(1).waitFor()
    expect((await ticketOf(road2.incident_id, ops)).merged_into).toBe(road.incident_id)
    await expect.poll(() => page.locator(`[data-testid="queue-item"][data-ticket-id="${road2.incident_id}"]`).count()).toBe(0)

    // Split the second drain report out into its own ticket.
    await pick(page, drain.incident_id)
    await page.locator('body').press('s')
    await page.locator(`[data-report-id="${drain2.id}"] [data-testid="split-pick"]`).check()
    await page.locator('[data-testid="act-reason"]').fill('lokasi berbeda setelah dicek')
    await page.locator('[data-testid="act-submit"]').click()
    await page.locator('[data-testid="desk-notice"][data-kind="ok"]').waitFor()
    const moved = (await api('GET', `/api/reports/${drain2.id}`, ops)).body
    expect(moved.incident_id).not.toBe(drain.incident_id)
    await page.locator(`[data-testid="queue-item"][data-ticket-id="${moved.incident_id}"]`).waitFor()
    await pick(page, drain.incident_id)
    // Change its category with C: the ticket is routed and clocked again, and the history says so.
    await page.locator('body').press('c')
    await page.locator('[data-testid="act-new-category"]').selectOption('banjir')
    await page.locator('[data-testid="act-reason"]').fill('air sudah meluap ke rumah warga')
    await page.locator('[data-testid="act-reason"]').press('Enter')
    await page.locator('[data-testid="history"]', { hasText: 'drainase → Banjir' }).waitFor()
    const recat = await ticketOf(drain.incident_id, ops)
    expect(recat.category).toBe('banjir')
    expect(recat.history.at(-1)).toMatchObject({ kind: 'category_changed', note: 'air sudah meluap ke rumah warga' })
    await page.waitForTimeout(600) // the map flies to the ticket
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-1920x1080.png') })
    expect(errors).toEqual([])
  }, 120_000)

  it('shows another operator\'s change live, and refuses a stale action with a clear conflict', async () => {
    const at = places[1]!
    const road = await report('jalan_rusak', { lat: at.lat + 0.001, lon: at.lon + 0.001 }, 'Jembatan kecil retak')
    const a = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    const b = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    // Operator B's live stream can be held back, to act on a ticket before the news reaches them.
    let hold = false
    const held: (string | Buffer)[] = []
    let toB: ((m: string | Buffer) => void) | null = null
    await b.page.routeWebSocket(/\/ws$/, (ws) => {
      const server = ws.connectToServer()
      toB = (m) => ws.send(m)
      server.onMessage((m) => (hold ? held.push(m) : ws.send(m)))
    })
    const errors: string[] = []
    await openDesk(a.page, `${rig.server.url}/desk?t=${road.incident_id}`, errors)
    await openDesk(b.page, `${rig.server.url}/desk?t=${road.incident_id}`, errors)
    for (const p of [a.page, b.page]) await p.locator(`[data-testid="desk-detail"][data-ticket-id="${road.incident_id}"][data-status="new"]`).waitFor()

    // Live: A verifies; B's screen moves along by itself and says so.
    await a.page.locator('[data-testid="act-verify"]').click()
    await b.page.locator(`[data-testid="desk-detail"][data-status="verified"]`).waitFor()
    await b.page.locator('[data-testid="desk-notice"][data-kind="live"]').waitFor()

    // Conflict: B does not hear that A rejected it, and tries to dispatch it.
    hold = true
    await a.page.locator('[data-testid="act-reject"]').click()
    await a.page.locator('[data-testid="reject-duplicate"]').check()
    await a.page.locator('[data-testid="act-reason"]').fill('sama dengan laporan kemarin')
    await a.page.locator('[data-testid="act-submit"]').click()
    await a.page.locator(`[data-testid="desk-detail"][data-status="rejected"]`).waitFor()
    await b.page.locator('[data-testid="act-dispatch"]').click()
    await b.page.locator('[data-testid="act-submit"]').click()
    await b.page.locator('[data-testid="desk-notice"][data-kind="conflict"]').waitFor()
    // B now sees the ticket as it is, and the dispatch was not applied.
    await b.page.locator(`[data-testid="desk-detail"][data-status="rejected"]`).waitFor()
    await b.page.screenshot({ path: join(SCREENSHOTS, 'desk-conflict-1920x1080.png') })
    const ops = await apiUser('operator')
    expect((await ticketOf(road.incident_id, ops)).status).toBe('rejected')
    hold = false
    for (const m of held.splice(0)) toB!(m)
    expect(errors).toEqual([])
  }, 90_000)
  it('on a field tablet, puts tickets awaiting dispatch last and says why they cannot be worked on', async () => {
    const ops = await apiUser('operator')
    const at = places[2]!
    const waiting = await report('jalan_rusak', { lat: at.lat, lon: at.lon }, 'Jalan amblas di tikungan')
    const ready = await report('jalan_rusak', { lat: at.lat + 0.003, lon: at.lon + 0.003 }, 'Lubang di jalan desa')
    expect((await api('POST', `/api/tickets/${ready.incident_id}/transition`, ops, { to: 'dispatched', field_team: 'Regu 1' })).status).toBe(200)
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'field_officer', { agencyCode: 'pupr', viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${rig.server.url}/field`)
    const list = page.locator('.list [data-ticket-id]')
    await page.locator(`.list [data-ticket-id="${waiting.incident_id}"]`).waitFor({ timeout: 20_000 })
    const order = await list.evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket-id')))
    // The ticket the team can work on comes before the one still waiting for the command center, though the other is nearer and older.
    expect(order.indexOf(ready.incident_id)).toBeLessThan(order.indexOf(waiting.incident_id))
    await page.locator(`.list [data-ticket-id="${waiting.incident_id}"] [data-testid="awaiting-dispatch"]`).waitFor()
    await page.locator(`.list [data-ticket-id="${waiting.incident_id}"]`).click()
    await expect.poll(() => page.locator('[data-testid="why-not"]').textContent()).toMatch(/Menunggu disposisi dari command center/)
    await page.screenshot({ path: join(SCREENSHOTS, 'field-awaiting-dispatch-1280x800.png') })
    expect(errors).toEqual([])
  }, 60_000)

  it('opens a ticket from a link framed among the places around it, and keeps the overview\'s names clear of its hint', async () => {
    // The report lies south-east of the northernmost kelurahan's name point, so far that, with the
    // report framed alone at zoom 13 on a 1280x800 desk, that name would fall under the overview's
    // hint (its map's top left): 248 px left of the centre and 345 px up, in 512 px tiles.
    const north = [...places].sort((a, b) => b.lat - a.lat)[0]!
    const deg = 360 / (512 * 2 ** 13)
    const spot = { lat: north.lat - 345 * deg * Math.cos((north.lat * Math.PI) / 180), lon: north.lon + 248 * deg }
    const tree = await report('pohon_tumbang', spot, 'Pohon tumbang menutup jalan desa')
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator', { viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    // A reload, or a link another operator sent: the ticket is chosen before the map has its
    // outlines. (Filtered to its category, so that the overview below frames it alone.)
    await openDesk(page, `${rig.server.url}/desk?category=pohon_tumbang&t=${tree.incident_id}`, errors)
    await page.locator(`[data-testid="desk-detail"][data-ticket-id="${tree.incident_id}"]`).waitFor()
    const mapEl = page.locator('.maplibregl-map')
    // Where the map stands after each move (ViewMark): its zoom and its centre.
    const view = async () => {
      const v = JSON.parse((await mapEl.getAttribute('data-view')) ?? 'null') as { zoom: number; bounds: [number, number, number, number] } | null
      return v && { zoom: v.zoom, center: [(v.bounds[0] + v.bounds[2]) / 2, (v.bounds[1] + v.bounds[3]) / 2] as const }
    }
    // Centred on the ticket, a few kilometres across (zoom 12-13): not the whole regency framed
    // when the outlines arrived, nor a blank map zoomed in on the pin alone.
    await expect.poll(async () => {
      const v = await view()
      return v !== null && Math.abs(v.center[0] - spot.lon) < 0.002 && Math.abs(v.center[1] - spot.lat) < 0.002
    }, { timeout: 10_000 }).toBe(true)
    await page.waitForTimeout(1000) // the outlines have arrived by now: the frame stays
    const v = (await view())!
    expect(Math.abs(v.center[0] - spot.lon)).toBeLessThan(0.002)
    expect(v.zoom).toBeGreaterThanOrEqual(11.5)
    expect(v.zoom).toBeLessThanOrEqual(13)
    // The ticket's own kelurahan is named, before any of its neighbours.
    await expect.poll(() => placedNames(page), { timeout: 10_000 }).toContain(tree.region.name)
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-linked-ticket-1280x800.png') })

    // Esc: the overview, the (filtered) queue's one pin framed with the places around it filling
    // the map. Its hint lies over the map's top left, and no name is placed under it.
    await page.locator('body').press('Escape')
    const hint = page.locator('[data-testid="desk-pick"]')
    await hint.waitFor()
    await page.waitForTimeout(1500) // framed (400 ms), the names placed for the final frame
    expect(Number(await mapEl.getAttribute('data-labels-placed'))).toBeGreaterThan(3)
    expect(await namesUnder(page, '[data-testid="desk-pick"]')).toEqual([])
    expect(errors).toEqual([])
  }, 60_000)

  it('gives a signed-in leader a way from the wall to the review and sign-out; an unsigned wall shows none', async () => {
    const errors: string[] = []
    const lead = await signedInPage(rig.browser, rig.server.url, rig.db, 'leadership')
    await openLiveScreen(lead.page, `${rig.server.url}/wall`, errors)
    const nav = lead.page.locator('[data-testid="wall-nav"]')
    await nav.waitFor()
    expect(await nav.locator('a').evaluateAll((els) => els.map((e) => e.getAttribute('href')))).toEqual(['/review'])
    // Beside the wall's brand and live state, over neither (it once floated over the brand).
    const box = async (sel: string) => (await lead.page.locator(sel).boundingBox())!
    const [navBox, brand, liveBox] = [await box('[data-testid="wall-nav"]'), await box('.wall footer .brand'), await box('[data-testid="live-status"]')]
    expect(navBox.x).toBeGreaterThanOrEqual(brand.x + brand.width)
    expect(navBox.x + navBox.width).toBeLessThanOrEqual(liveBox.x)
    await lead.page.screenshot({ path: join(SCREENSHOTS, 'wall-nav-leadership-1920x1080.png') })
    await lead.page.locator('[data-testid="wall-nav-review"]').click()
    await lead.page.waitForURL(/\/review/)
    await lead.page.goto(`${rig.server.url}/wall`)
    await lead.page.locator('[data-testid="wall-sign-out"]').click()
    await lead.page.waitForURL(/\/signin/)
    expect((await (await lead.context.request.get(`${rig.server.url}/api/auth/me`)).json()).signed_in).toBe(false)

    const display = await rig.browser.newPage({ viewport: { width: 1920, height: 1080 } })
    await openLiveScreen(display, `${rig.server.url}/wall`, errors)
    await display.waitForTimeout(500) // the session has answered: still nothing
    expect(await display.locator('[data-testid="wall-nav"]').count()).toBe(0)
    await display.close()
    expect(errors).toEqual([])
  }, 90_000)
  it('sends a ticket to the special team, asks the reporter for more (the clock pauses), then verifies when they answer', async () => {
    const ops = await apiUser('operator')
    const at = places[3]!
    const r = await api('POST', '/api/reports', {}, { channel: 'whatsapp', category: 'pohon_tumbang', description: 'Pohon tumbang, entah di mana', location: at, reporter: { phone: '6281200000999' } })
    expect(r.status).toBe(201)
    const id = r.body.incident_id as string
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    const errors: string[] = []
    await openDesk(page, `${rig.server.url}/desk?t=${id}`, errors)
    await page.locator(`[data-testid="desk-detail"][data-ticket-id="${id}"][data-status="new"]`).waitFor()
    // First the special team checks the site (T), then the reporter is asked (A).
    await page.locator('body').press('t')
    await page.locator('[data-testid="act-check-team"]').fill('Tim Khusus Kec. Utara')
    await page.locator('[data-testid="act-check-team"]').press('Enter')
    await page.locator(`[data-testid="desk-detail"][data-status="field_check"]`).waitFor()
    expect((await ticketOf(id, ops)).field_team).toBe('Tim Khusus Kec. Utara')
    await page.locator('body').press('a')
    await page.locator('[data-testid="act-reason"]').fill('Mohon kirim lokasi persis dan foto')
    await page.locator('[data-testid="act-reason"]').press('Enter')
    await page.locator(`[data-testid="desk-detail"][data-status="waiting_reporter"]`).waitFor()
    // Still in the queue (it needs the command room again), its clock shown paused.
    await page.locator(`[data-testid="queue-item"][data-ticket-id="${id}"]`, { hasText: 'jeda' }).waitFor()
    expect((await ticketOf(id, ops)).sla.paused_at).not.toBeNull()
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-waiting-reporter-1920x1080.png') })
    await page.locator('body').press('v')
    await page.locator(`[data-testid="desk-detail"][data-status="verified"]`).waitFor()
    expect((await ticketOf(id, ops)).sla.paused_at).toBeNull()
    expect(errors).toEqual([])
  }, 60_000)
  it('enters a rating and an SKM survey taken by phone for a resolved ticket, and shows its rating links', async () => {
    const ops = await apiUser('operator')
    const at = places[4]!
    const r = await report('sampah', { lat: at.lat, lon: at.lon }, 'Sampah menumpuk di pasar')
    const id = r.incident_id as string
    expect((await api('POST', `/api/tickets/${id}/transition`, ops, { to: 'dispatched' })).status).toBe(200)
    expect((await api('POST', `/api/tickets/${id}/transition`, ops, { to: 'resolved', note: 'sampah sudah diangkut' })).status).toBe(200)
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator', { viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    await openDesk(page, `${rig.server.url}/desk?state=open&t=${id}`, errors)
    await page.locator(`[data-testid="desk-detail"][data-ticket-id="${id}"][data-status="resolved"]`).waitFor()
    await page.locator('[data-testid="act-links"]').click()
    await page.locator('[data-testid="rating-links"] code').first().waitFor()
    expect(await page.locator('[data-testid="rating-links"] code').first().textContent()).toMatch(/\/api\/ratings\/[A-Za-z0-9_-]{16,}/)
    await page.locator('[data-testid="act-rate"]').click()
    await page.locator('[data-testid="act-score"]').fill('4')
    await page.locator('[data-testid="act-submit"]').click()
    await page.locator('[data-testid="desk-notice"][data-kind="ok"]').waitFor()
    await page.locator('[data-testid="act-skm"]').click()
    await page.locator('[data-testid="skm-U10"]').waitFor()
    expect(await page.locator('[data-testid="act-agency"]').inputValue()).toBe('dlh')
    expect(await page.locator('[data-testid="act-agency"] option:checked').textContent()).toMatch(/DLH/)
    await page.locator('[data-testid="skm-U1"]').selectOption('4')
    await page.locator('[data-testid="skm-U3"]').selectOption('2')
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-skm-1280x800.png') })
    await page.locator('[data-testid="act-submit"]').click()
    await page.locator('[data-testid="desk-notice"][data-kind="ok"]').waitFor()
    const rows = await rig.db.db.selectFrom('skm_responses').select(['agency_code', 'scores']).execute()
    expect(rows).toEqual([{ agency_code: 'dlh', scores: [4, 3, 2, 3, 3, 3, 3, 3, 3, 3] }])
    const rated = await rig.db.db.selectFrom('ratings').select('score').where('report_id', '=', r.id).executeTakeFirstOrThrow()
    expect(rated.score).toBe(4)
    expect(errors).toEqual([])
  }, 60_000)
})
