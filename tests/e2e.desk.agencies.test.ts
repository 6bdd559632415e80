import { join } from 'node:path'
import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, SCREENSHOTS, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig, rigApi, type Json } from './helpers/browser.js'

// One incident, several agencies, worked from the desk; and the field list following merges.

let rig: BrowserRig

const { apiUser, api } = rigApi(() => rig)
async function report(category: string, at: { lat: number; lon: number }, description: string): Promise<Json> {
  const r = await api('POST', '/api/reports', {}, { channel: 'call_center', category, description, location: at })
  expect(r.status).toBe(201)
  return r.body
}
async function openLive(page: Page, url: string, errors: string[], ready: string): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.locator(ready).waitFor({ timeout: 20_000 })
}

describe.skipIf(!HAVE_CHROMIUM)('another agency on one incident, in Chromium', () => {
  let places: { code: string; lon: number; lat: number }[] = []
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    places = (await sql<{ code: string; lon: number; lat: number }>`SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code`.execute(rig.db.db)).rows
  })
  afterAll(() => stopBrowserRig(rig))

  it('adds the ambulance to a road accident from the desk (I): the agency field tablet gets it live, a second operator is told it is already there', async () => {
    const at = places[1]!
    const crash = await report('jalan_rusak', { lat: at.lat + 0.001, lon: at.lon + 0.001 }, 'Kecelakaan motor karena jalan berlubang, ada korban')
    const id = crash.incident_id as string
    const errors: string[] = []
    // The ambulance's tablet is open before: the ticket must arrive on it live.
    const rsud = await signedInPage(rig.browser, rig.server.url, rig.db, 'field_officer', { agencyCode: 'rsud', viewport: { width: 1280, height: 800 } })
    await openLive(rsud.page, `${rig.server.url}/field`, errors, '[data-testid="connection"][data-online="true"]')
    await rsud.page.locator('[data-testid="ticket-count"]').waitFor()
    expect(await rsud.page.locator(`.list [data-ticket-id="${id}"]`).count()).toBe(0)
    // Two operators have the ticket open.
    const one = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    const two = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator')
    for (const p of [one.page, two.page]) {
      await openLive(p, `${rig.server.url}/desk?t=${id}`, errors, '[data-testid="live-status"][data-status="live"]')
      await p.locator(`[data-testid="desk-detail"][data-ticket-id="${id}"]`).waitFor()
    }
    await two.page.locator('[data-testid="act-add-agency"]').click() // opened before the first one adds

    await one.page.locator('body').press('i')
    await one.page.locator('[data-testid="act-add-which"]').selectOption('rsud')
    await one.page.locator('[data-testid="act-add-team"]').fill('Ambulans 1')
    await one.page.locator('[data-testid="act-add-reason"]').fill('Ada korban luka')
    await one.page.locator('[data-testid="act-add-reason"]').press('Enter')
    await one.page.locator('[data-testid="agency-ticket"][data-agency="rsud"][data-status="dispatched"]').waitFor()
    // The history says it in words: agency name, the role, no raw codes.
    const history = (await one.page.locator('[data-testid="history"]').textContent()) ?? ''
    expect(history).toMatch(/Instansi ditambahkan: RSUD/)
    expect(history).toMatch(/Sistem/)
    expect(history).toMatch(/RSUD Operator ·/)
    expect(history).toMatch(/Diarahkan ke PUPR/)
    expect(history).not.toMatch(/→ [a-z_]+|\bsystem\b|\brsud\b|\bpupr\b/)
    await one.page.screenshot({ path: join(SCREENSHOTS, 'desk-add-agency-1920x1080.png') })
    const rows = await rig.db.db.selectFrom('agency_tickets').select(['agency_code', 'field_team', 'status']).where('incident_id', '=', id).execute()
    expect(rows).toEqual([{ agency_code: 'rsud', field_team: 'Ambulans 1', status: 'dispatched' }])

    // The tablet lists it as its own, with the lead agency named, and can start it.
    const item = rsud.page.locator(`.list [data-ticket-id="${id}"]`)
    await item.waitFor({ timeout: 10_000 })
    await item.locator('[data-testid="added-ticket"]').waitFor()
    // The officer names their team as they like to type it: the ambulance's ticket is theirs.
    await rsud.page.locator('[data-testid="my-team"]').fill(' ambulans 1')
    await item.locator('[data-testid="my-team-tag"]').waitFor()
    await rsud.page.screenshot({ path: join(SCREENSHOTS, 'field-my-team-1280x800.png') })
    await item.click()
    await rsud.page.locator('[data-testid="lead-agency"]').waitFor()
    await rsud.page.screenshot({ path: join(SCREENSHOTS, 'field-added-agency-1280x800.png') })

    // The second operator's form still offers RSUD: the server says it is there already.
    await two.page.locator('[data-testid="act-add-which"]').selectOption('rsud')
    await two.page.locator('[data-testid="act-submit"]').click()
    await expect.poll(() => two.page.locator('[data-testid="desk-notice"]').textContent()).toMatch(/sudah punya tiket/)
    await two.page.locator('[data-testid="agency-ticket"][data-agency="rsud"]').waitFor()
    expect(await rig.db.db.selectFrom('agency_tickets').select('id').where('incident_id', '=', id).execute()).toHaveLength(1)
    expect(errors).toEqual([])
  }, 90_000)

  it('drops a ticket merged away into another agency\'s incident from the field list, live', async () => {
    const ops = await apiUser('operator')
    const at = places[2]!
    const rubbish = await report('sampah', { lat: at.lat - 0.001, lon: at.lon - 0.001 }, 'Sampah menutup jalan setelah kecelakaan truk')
    const road = await report('jalan_rusak', { lat: at.lat - 0.0012, lon: at.lon - 0.0012 }, 'Jalan rusak tertimpa muatan truk')
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'field_officer', { agencyCode: 'dlh', viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    await openLive(page, `${rig.server.url}/field`, errors, `.list [data-ticket-id="${rubbish.incident_id}"]`)
    await page.locator('[data-testid="connection"][data-online="true"]').waitFor()
    const merged = await api('POST', `/api/incidents/${road.incident_id}/merge`, ops, { incident_id: rubbish.incident_id, reason: 'satu kejadian truk' })
    expect(merged.status).toBe(200)
    await expect.poll(() => page.locator(`.list [data-ticket-id="${rubbish.incident_id}"]`).count(), { timeout: 10_000 }).toBe(0)
    expect(errors).toEqual([])
  }, 60_000)
})
