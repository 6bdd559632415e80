import { join } from 'node:path'
import { sql } from 'kysely'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { UserRole } from '../server/auth/principal.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { createUser } from '../server/users/user.service.js'
import { HAVE_CHROMIUM, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS, signedInPage } from './helpers/browser.js'

let db: BrowserRig['db']
let server: BrowserRig['server']
let browser: BrowserRig['browser']
const TABLET = { width: 1280, height: 800 }

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- API answers are checked field by field

/** Signs a new user in through the API; answers the headers their requests carry. */
async function apiUser(role: UserRole): Promise<Record<string, string>> {
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`
  await createUser(db, { username, role, password: 'test-password-123', agency_code: null }, null)
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'test-password-123' }) })
  expect(res.status).toBe(200)
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-requested-with': 'sigap' }
}
async function api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as Json }
}
/** Files a report through the public intake and answers its ticket. */
async function report(category: string, at: { lat: number; lon: number }, description: string): Promise<Json> {
  const r = await api('POST', '/api/reports', {}, { channel: 'whatsapp', category, description, location: at })
  expect(r.status).toBe(201)
  return r.body
}

describe.skipIf(!HAVE_CHROMIUM)('field screen on a tablet in Chromium', () => {
  beforeAll(async () => {
    ;({ db, server, browser } = await startBrowserRig((d) => seedDemoArea(d.db)))
  })
  afterAll(() => stopBrowserRig({ db, server, browser }))

  it('resolves a ticket with a note and a photo taken offline, sent once when the network returns', async () => {
    // Two kelurahan of the demo regency, far apart: the officer stands in the first.
    const kel = (
      await sql<{ code: string; name: string; lon: number; lat: number }>`
        SELECT code, name, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code`.execute(db.db)
    ).rows
    const near = kel[0]!
    const far = kel.reduce((a, b) => (Math.hypot(b.lon - near.lon, b.lat - near.lat) > Math.hypot(a.lon - near.lon, a.lat - near.lat) ? b : a))
    const operator = await apiUser('operator')
    const admin = await apiUser('admin')

    // Drains are an emergency in this regency: such a ticket comes first however far it is.
    expect((await api('PATCH', '/api/catalogue/categories/drainase', admin, { is_emergency: true, priority: 1 })).status).toBe(200)
    const road = await report('jalan_rusak', { lat: near.lat + 0.0004, lon: near.lon + 0.0004 }, 'Jalan berlubang besar di depan sekolah, motor sering jatuh')
    const farRoad = await report('jalan_rusak', { lat: far.lat, lon: far.lon }, 'Aspal retak memanjang di jalan desa')
    const flood = await report('drainase', { lat: far.lat + 0.0005, lon: far.lon - 0.0005 }, 'Saluran air tersumbat, air meluap ke jalan')
    const fire = await report('kebakaran', { lat: near.lat - 0.0004, lon: near.lon }, 'Asap dari gudang')
    expect([road.agency_code, farRoad.agency_code, flood.agency_code, fire.agency_code]).toEqual(['pupr', 'pupr', 'pupr', 'damkar'])
    const ticket = road.incident_id as string
    for (const id of [ticket, farRoad.incident_id, flood.incident_id])
      expect((await api('POST', `/api/tickets/${id}/transition`, operator, { to: 'dispatched', field_team: 'Regu Jalan 2' })).status).toBe(200)

    const { page, context } = await signedInPage(browser, server.url, db, 'field_officer', { agencyCode: 'pupr', viewport: TABLET })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/field`)
    const item = (id: string) => page.locator(`[data-ticket-id="${id}"]`)
    await item(ticket).first().waitFor({ timeout: 20_000 })
    // Only the agency's tickets: the fire brigade's is not here.
    expect(await item(fire.incident_id).count()).toBe(0)
    await expect(page.locator('[data-testid="ticket-count"]').textContent()).resolves.toBe('3')
    // No position yet: the right column still says what matters, its next clock in the desk's words, not "—".
    await expect(item(ticket).locator('[data-testid="ticket-due"]').textContent()).resolves.toMatch(/^(tanggap|selesai) (sisa|lewat) \d/)
    await expect(item(ticket).locator('.dist').textContent()).resolves.not.toContain('—')

    // No GPS in this browser: the officer says where they are by picking their kelurahan.
    await page.locator('[data-testid="location-status"][data-source="none"]').waitFor()
    await page.locator(`[data-testid="pick-kelurahan"] option[value="${near.code}"]`).waitFor({ state: 'attached' })
    await page.selectOption('[data-testid="pick-kelurahan"]', near.code)
    await page.locator('[data-testid="location-status"][data-source="kelurahan"]').waitFor()
    await expect(page.locator('[data-testid="location-status"]').textContent()).resolves.toContain(near.name)
    // The emergency first, then the nearest.
    const order = await page.locator('.list [data-ticket-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket-id')))
    expect(order).toEqual([flood.incident_id, ticket, farRoad.incident_id])
    await expect(item(ticket).textContent()).resolves.toMatch(/\d+ m/)
    await page.waitForTimeout(800) // the map eases to the officer
    await page.screenshot({ path: join(SCREENSHOTS, 'field-list-1280x800.png') })

    // The ticket: its report, directions, and a move to in progress (online: sent at once).
    await item(ticket).click()
    const detail = page.locator(`[data-testid="ticket-detail"][data-ticket-id="${ticket}"]`)
    await detail.waitFor()
    await expect(detail.textContent()).resolves.toContain('motor sering jatuh')
    const directions = await page.locator('[data-testid="directions"]').getAttribute('href')
    expect(directions).toContain(`destination=${Number(road.location.lat).toFixed(6)},${Number(road.location.lon).toFixed(6)}`)
    await page.locator('[data-testid="action-in_progress"]').click()
    await page.locator('[data-testid="ticket-detail"][data-status="in_progress"]').waitFor()
    await page.locator('[data-testid="outbox-button"][data-count="0"]').waitFor()
    await expect.poll(async () => (await api('GET', `/api/tickets/${ticket}`, operator)).body.status, { timeout: 10_000 }).toBe('in_progress')

    // The signal drops. The resolution, with its note and photo, waits on the tablet.
    await context.setOffline(true)
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#6b7d5a' } })
      .composite([{ input: Buffer.from('<svg width="1200" height="900"><rect x="300" y="250" width="600" height="400" fill="#333"/></svg>'), top: 0, left: 0 }])
      .jpeg({ quality: 80 })
      .toBuffer()
    await page.locator('[data-testid="action-resolved"]').click()
    await page.fill('#resolve-note', 'Lubang ditambal aspal dingin, 2 m², sudah bisa dilewati')
    await page.locator('[data-testid="photo-input"]').setInputFiles({ name: 'IMG_0042.jpg', mimeType: 'image/jpeg', buffer: photo })
    await page.locator('[data-testid="photo-preview"]').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'field-resolve-1280x800.png') })
    await page.locator('[data-testid="resolve-send"]').click()
    const banner = page.locator('[data-testid="pending-banner"]')
    await banner.waitFor()
    await expect(banner.textContent()).resolves.toContain('menunggu dikirim')
    await page.locator('[data-testid="outbox-button"][data-count="1"]').waitFor()
    await expect(page.locator('[data-testid="outbox-button"]').textContent()).resolves.toContain('menunggu dikirim')
    await page.locator('[data-testid="offline-banner"]').waitFor()
    await page.locator('[data-testid="ticket-detail"][data-status="resolved"]').waitFor()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(SCREENSHOTS, 'field-offline-waiting-1280x800.png') })
    expect((await api('GET', `/api/tickets/${ticket}`, operator)).body.status).toBe('in_progress')
    await page.locator('[data-testid="outbox-button"]').click()
    await expect(page.locator('[data-testid="outbox-item"]').textContent()).resolves.toContain('menunggu dikirim')
    await page.screenshot({ path: join(SCREENSHOTS, 'field-outbox-1280x800.png') })
    await page.keyboard.press('Escape')

    // The network returns: the update goes by itself, once.
    await context.setOffline(false)
    await page.locator('[data-testid="outbox-button"][data-count="0"]').waitFor({ timeout: 30_000 })
    await banner.waitFor({ state: 'detached', timeout: 10_000 })
    const done = await api('GET', `/api/tickets/${ticket}`, operator)
    expect(done.body).toMatchObject({ status: 'resolved', resolution: { note: 'Lubang ditambal aspal dingin, 2 m², sudah bisa dilewati' } })
    expect(done.body.resolution.photo_ids).toHaveLength(1)
    const resolvedMoves = done.body.history.filter((h: Json) => h.kind === 'transition' && h.to === 'resolved')
    expect(resolvedMoves).toHaveLength(1)
    expect(resolvedMoves[0].actor.role).toBe('field_officer')
    const photos = await api('GET', `/api/incidents/${ticket}/photos`, operator)
    const own = photos.body.photos.filter((p: Json) => p.report_id === null)
    expect(own.map((p: Json) => p.id)).toEqual(done.body.resolution.photo_ids)
    const served = await fetch(`${server.url}${own[0].url}`)
    expect(served.headers.get('content-type')).toBe('image/jpeg')
    await page.locator('[data-testid="photos"] img').first().waitFor()
    // The resolved ticket has left the list of open ones.
    await page.locator('.back').click()
    await item(ticket).waitFor({ state: 'detached' })

    // Changed elsewhere: the command room hands the officer's agency a ticket; it shows up live.
    const waste = await report('sampah', { lat: near.lat + 0.001, lon: near.lon - 0.001 }, 'Sampah menumpuk menutup gorong-gorong')
    expect(waste.agency_code).toBe('dlh')
    expect(await item(waste.incident_id).count()).toBe(0)
    expect((await api('POST', `/api/tickets/${waste.incident_id}/route`, operator, { agency_code: 'pupr', reason: 'Gorong-gorong milik PUPR' })).status).toBe(200)
    await item(waste.incident_id).waitFor({ timeout: 15_000 })
    await page.locator('[data-testid="toast"]').waitFor()
    await page.waitForTimeout(500)
    await page.screenshot({ path: join(SCREENSHOTS, 'field-live-1280x800.png') })

    // The open ticket changes under the officer's eyes: moved on by the command room, then re-assigned away.
    await item(farRoad.incident_id).click()
    const other = page.locator(`[data-testid="ticket-detail"][data-ticket-id="${farRoad.incident_id}"]`)
    await other.locator('[data-testid="action-in_progress"]').waitFor()
    expect((await api('POST', `/api/tickets/${farRoad.incident_id}/transition`, operator, { to: 'in_progress' })).status).toBe(200)
    await page.locator('[data-testid="changed-banner"]').waitFor({ timeout: 15_000 })
    await page.locator(`[data-testid="ticket-detail"][data-ticket-id="${farRoad.incident_id}"][data-status="in_progress"]`).waitFor()
    expect((await api('POST', `/api/tickets/${farRoad.incident_id}/route`, operator, { agency_code: 'dlh', reason: 'Ternyata saluran lingkungan' })).status).toBe(200)
    await page.locator('[data-testid="gone-banner"]').waitFor({ timeout: 15_000 })
    expect(await other.locator('[data-testid="action-resolved"]').count()).toBe(0)
    await page.screenshot({ path: join(SCREENSHOTS, 'field-reassigned-1280x800.png') })

    // The other manual fallback: a tap on the map says where the officer stands.
    await page.locator('.back').click()
    await page.locator('[data-testid="tap-map"]').click()
    const box = (await page.locator('.maplibregl-canvas').boundingBox())!
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.7)
    await page.locator('[data-testid="location-status"][data-source="map"]').waitFor()
    await page.locator('[data-testid="tap-map"][aria-pressed="false"]').waitFor()
    expect(errors).toEqual([])
    await context.close()
  })

  it('uses the tablet GPS when it is allowed, and sorts by distance from it', async () => {
    const kel = (
      await sql<{ code: string; lon: number; lat: number }>`
        SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code DESC LIMIT 1`.execute(db.db)
    ).rows[0]!
    const nearby = await report('drainase', { lat: kel.lat + 0.002, lon: kel.lon }, 'Got mampet dekat pasar')
    const operator = await apiUser('operator')
    expect((await api('POST', `/api/tickets/${nearby.incident_id}/transition`, operator, { to: 'dispatched' })).status).toBe(200)
    const { page, context } = await signedInPage(browser, server.url, db, 'field_officer', { agencyCode: 'pupr', viewport: TABLET })
    await context.grantPermissions(['geolocation'], { origin: server.url })
    await context.setGeolocation({ latitude: kel.lat, longitude: kel.lon, accuracy: 25 })
    await page.goto(`${server.url}/field`)
    await page.locator('[data-testid="location-status"][data-source="gps"]').waitFor({ timeout: 20_000 })
    await expect(page.locator('[data-testid="location-status"]').textContent()).resolves.toContain('±25 m')
    const row = page.locator(`[data-ticket-id="${nearby.incident_id}"]`)
    await row.waitFor()
    // 0.002° of latitude is about 220 m.
    await expect(row.locator('.dist strong').textContent()).resolves.toMatch(/^2[0-3]0 m$/)
    await context.close()
  })
})
