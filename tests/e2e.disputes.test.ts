import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importRegionsFile } from '../server/regions/region.import.js'
import { across, inside, KEMAYORAN, PASEBAN, RAWASARI, type Pt } from './helpers/boundaries.js'
import { HAVE_CHROMIUM, namesUnder, openLiveScreen, placedNames, pastRightEdge, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS, signedInPage } from './helpers/browser.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { HAVE_SHARED, sharedFile } from './helpers/shared-data.js'

let db: BrowserRig['db']
let server: BrowserRig['server']
let browser: BrowserRig['browser']

// Real Jakarta boundaries when ../shared/data is here; two square kelurahan otherwise.
const CLAIMED = HAVE_SHARED ? { code: RAWASARI, name: 'Rawasari' } : { code: '31.71.01.1001', name: 'Alfa' }
const DETECTED = HAVE_SHARED ? { code: PASEBAN, name: 'Paseban' } : { code: '31.71.01.1002', name: 'Beta' }

/** Posts a report pinned in DETECTED but tagged CLAIMED, through the public intake: a dispute opens. */
async function postMismatch(at: Pt, description: string): Promise<{ reportId: string; disputeId: string }> {
  const res = await fetch(`${server.url}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reportInput({ location: { ...at, accuracy_m: 12 }, claimed_region: `Kel. ${CLAIMED.name}`, description })),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { id: string; location_check: { status: string; dispute_id: string } }
  expect(body.location_check.status).toBe('mismatch')
  return { reportId: body.id, disputeId: body.location_check.dispute_id }
}

async function openDisputes(page: Page, errors: string[]) {
  await openLiveScreen(page, `${server.url}/disputes`, errors)
}

/** The head of the detected region, on the disputes screen, with nothing of it waiting yet to be read. */
async function detectedHead(viewport = { width: 1920, height: 1080 }): Promise<{ page: Page; errors: string[] }> {
  const head = await signedInPage(browser, server.url, db, 'region_head', { regionCodes: [DETECTED.code], viewport })
  const errors: string[] = []
  await openDisputes(head.page, errors)
  return { page: head.page, errors }
}

describe.skipIf(!HAVE_CHROMIUM)('disputes screen in Chromium', () => {
  beforeAll(async () => {
    ;({ db, server, browser } = await startBrowserRig((d) =>
      HAVE_SHARED ? importRegionsFile(d.db, sharedFile('jakarta_kelurahan.geojson')) : seedTwoKelurahan(d.db),
    ))
  })
  afterAll(() => stopBrowserRig({ db, server, browser }))

  it('shows the detected region head a new dispute live, and settles it with a move', async () => {
    const head = await signedInPage(browser, server.url, db, 'region_head', { regionCodes: [DETECTED.code], viewport: { width: 1920, height: 1080 } })
    const headPage = head.page
    const headErrors: string[] = []
    await openDisputes(headPage, headErrors)
    await headPage.locator('[data-dispute-id], [data-testid="queue-empty"]').first().waitFor()

    // Posted after the screen is open: it must arrive over the WebSocket.
    const { reportId, disputeId } = await postMismatch(await across(db.db, CLAIMED.code, DETECTED.code, 250, 400), 'Jalan berlubang besar di depan sekolah, sudah dua minggu')
    const item = headPage.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"]`)
    await item.waitFor({ timeout: 10_000 })
    await expect(item.textContent()).resolves.toMatch(new RegExp(`${CLAIMED.name}.*${DETECTED.name}`, 's'))

    await item.click()
    const detail = headPage.locator(`[data-testid="detail"][data-dispute-id="${disputeId}"]`)
    await detail.waitFor()
    const evidence = await headPage.locator('[data-testid="evidence"]').textContent()
    expect(evidence).toContain('Jalan berlubang besar')
    expect(evidence).toContain('± 12 m')
    expect(evidence).toMatch(/WIB/)
    await expect(headPage.locator('[data-testid="history"] li').count()).resolves.toBe(1)
    // The head of the detected region may both decide and propose.
    await headPage.getByRole('button', { name: 'Putuskan' }).waitFor()
    await headPage.getByRole('button', { name: 'Usulkan' }).waitFor()
    // Both regions in question are named on the map, whatever other names give way.
    await expect.poll(() => placedNames(headPage), { timeout: 10_000 }).toEqual(expect.arrayContaining([CLAIMED.name, DETECTED.name]))
    await headPage.waitForTimeout(1500) // let the map draw the dispute before the picture
    await headPage.screenshot({ path: join(SCREENSHOTS, 'disputes-1920x1080.png') })

    // Settle it by label and role, as a keyboard or screen-reader user would find them.
    await headPage.getByLabel(`Pindahkan ke ${DETECTED.name}`).check()
    await headPage.getByLabel('Alasan').fill('Lokasi jalan masuk wilayah kami, kami tangani')
    await headPage.getByRole('button', { name: 'Putuskan' }).click()

    await headPage.locator(`[data-testid="detail"][data-state="moved"]`).waitFor({ timeout: 10_000 })
    await item.waitFor({ state: 'detached' }) // left the "not yet decided" queue
    await headPage.locator('[data-testid="history"] li[data-action="decided"]').waitFor()

    const api = head.context.request
    const dispute = (await (await api.get(`${server.url}/api/disputes/${disputeId}`)).json()) as { state: string; decision: { decision: string; reason: string } }
    expect(dispute).toMatchObject({ state: 'moved', decision: { decision: 'move', reason: 'Lokasi jalan masuk wilayah kami, kami tangani' } })
    const report = (await (await api.get(`${server.url}/api/reports/${reportId}`)).json()) as { region: { code: string } }
    expect(report.region.code).toBe(DETECTED.code)

    // Decided disputes are one filter away.
    await headPage.getByLabel('Tampilkan').selectOption('decided')
    await headPage.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"][data-state="moved"]`).waitFor()
    await headPage.waitForTimeout(500)
    await headPage.screenshot({ path: join(SCREENSHOTS, 'disputes-decided-1920x1080.png') })
    await headPage.getByLabel('Tampilkan').selectOption('active')
    expect(headErrors).toEqual([])
  })

  it('lets the tagged region head only propose, with a corrected location, and the other head sees it live (1280x800)', async () => {
    const claimedHead = await signedInPage(browser, server.url, db, 'region_head', { regionCodes: [CLAIMED.code], viewport: { width: 1280, height: 800 } })
    const page = claimedHead.page
    const errors: string[] = []
    await openDisputes(page, errors)
    const { page: headPage, errors: headErrors } = await detectedHead()

    const { disputeId } = await postMismatch(await across(db.db, CLAIMED.code, DETECTED.code, 500, 700), 'Saluran air tersumbat, air meluap ke jalan')
    const item = page.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"]`)
    await item.waitFor({ timeout: 10_000 })
    await item.focus()
    await page.keyboard.press('Enter')
    await page.locator(`[data-testid="detail"][data-dispute-id="${disputeId}"]`).waitFor()
    await page.getByRole('button', { name: 'Usulkan' }).waitFor()
    expect(await page.getByRole('button', { name: 'Putuskan' }).count()).toBe(0)

    // The pin is wrong: keep it here, at a corrected place typed in (the map click fills the same fields).
    const fixed = await inside(db.db, CLAIMED.code)
    await page.getByLabel(`Pertahankan di ${CLAIMED.name}`).check()
    // Picking on the map fills the fields; "clear" empties them again.
    await page.getByRole('button', { name: 'Pilih di peta' }).click()
    const box = (await page.locator('.mapwrap canvas').first().boundingBox())!
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.4)
    await expect(page.getByLabel('Lintang').inputValue()).resolves.toMatch(/^-?\d+\.\d+$/)
    await expect(page.getByLabel('Bujur').inputValue()).resolves.toMatch(/^-?\d+\.\d+$/)
    await page.getByRole('button', { name: 'Hapus koreksi' }).click()
    await expect(page.getByLabel('Lintang').inputValue()).resolves.toBe('')
    await page.getByLabel('Lintang').fill(fixed.lat.toFixed(6))
    await page.getByLabel('Bujur').fill(fixed.lon.toFixed(6))
    await page.getByLabel('Alasan').fill('Titik pelapor bergeser, lokasi sebenarnya di wilayah kami')
    await page.getByRole('button', { name: 'Usulkan' }).click()
    await page.locator(`[data-testid="detail"][data-state="proposed"]`).waitFor({ timeout: 10_000 })
    await page.locator('[data-testid="proposal"]').waitFor()

    const dispute = (await (await claimedHead.context.request.get(`${server.url}/api/disputes/${disputeId}`)).json()) as { state: string; proposal: { decision: string; side: string; corrected_location: Pt } }
    expect(dispute).toMatchObject({ state: 'proposed', proposal: { decision: 'keep', side: 'claimed', corrected_location: { lat: expect.closeTo(fixed.lat, 5), lon: expect.closeTo(fixed.lon, 5) } } })

    // The detected region's head, whose screen is still open, sees the proposal without reloading.
    await headPage.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"][data-state="proposed"]`).waitFor({ timeout: 10_000 })
    await page.waitForTimeout(1500)
    // The region names on the map are placed clear of its title and legend, which lie over it.
    expect(Number(await page.locator('.maplibregl-map').getAttribute('data-labels-placed'))).toBeGreaterThan(0)
    expect(await namesUnder(page, '.mapwrap .maptitle, .mapwrap .legend')).toEqual([])
    await expect.poll(() => placedNames(page), { timeout: 10_000 }).toEqual(expect.arrayContaining([CLAIMED.name, DETECTED.name]))
    await page.screenshot({ path: join(SCREENSHOTS, 'disputes-propose-1280x800.png') })
    expect(errors).toEqual([])
    expect(headErrors).toEqual([])
  })

  it('shows a head of an unrelated region nothing', async () => {
    const other = await signedInPage(browser, server.url, db, 'region_head', { regionCodes: [KEMAYORAN] })
    const errors: string[] = []
    await openDisputes(other.page, errors)
    const { page: headPage, errors: headErrors } = await detectedHead()
    const { disputeId: newer } = await postMismatch(await across(db.db, CLAIMED.code, DETECTED.code, 300, 450), 'Pohon tumbang menutup jalan')
    const { disputeId } = await postMismatch(await across(db.db, CLAIMED.code, DETECTED.code, 250, 400), 'Lampu jalan mati')
    // The related head gets it: by then the unrelated screen has had its chance too.
    await headPage.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"]`).waitFor({ timeout: 10_000 })
    await other.page.waitForTimeout(500)
    expect(await other.page.locator('[data-dispute-id]').count()).toBe(0)
    await other.page.getByLabel('Tampilkan').selectOption('all')
    await other.page.locator('[data-testid="queue-empty"]').waitFor()
    expect(await other.page.locator('[data-dispute-id]').count()).toBe(0)
    expect((await other.context.request.get(`${server.url}/api/disputes/${disputeId}`)).status()).toBe(404)
    expect(errors).toEqual([])

    // Left undecided past its time, it is flagged and, being the oldest, heads the queue.
    await db.db.updateTable('location_disputes').set({ opened_at: new Date(Date.now() - 200 * 3_600_000) }).where('id', '=', disputeId).execute()
    await headPage.reload()
    await headPage.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 20_000 })
    const items = headPage.locator('[data-testid="queue"] [data-dispute-id]')
    await headPage.locator(`[data-testid="queue"] [data-dispute-id="${disputeId}"][data-overdue="true"]`).waitFor()
    await headPage.locator(`[data-testid="queue"] [data-dispute-id="${newer}"]:not([data-overdue="true"])`).waitFor()
    expect(await items.first().getAttribute('data-dispute-id')).toBe(disputeId)
    await headPage.getByLabel('Hanya yang terlambat').check()
    expect(await items.count()).toBe(1)
    await headPage.setViewportSize({ width: 412, height: 915 }) // a head on a phone
    await headPage.waitForTimeout(1000)
    await headPage.screenshot({ path: join(SCREENSHOTS, 'disputes-overdue-phone-412x915.png') })
    // Nothing of the header runs off a phone's screen, down to the smallest (320 px).
    for (const width of [412, 360, 320]) {
      await headPage.setViewportSize({ width, height: 780 })
      await headPage.waitForTimeout(300)
      expect(await pastRightEdge(headPage, 'header *'), `${width} px`).toEqual([])
    }
    expect(headErrors).toEqual([])
  })
})
