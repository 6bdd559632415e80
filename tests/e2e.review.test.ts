import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS, signedInPage } from './helpers/browser.js'

let db: BrowserRig['db']
let server: BrowserRig['server']
let browser: BrowserRig['browser']
const SECRET = 'Rahasia Sekali'
const HOT = { lat: -6.556, lon: 107.436 }
let hotIncident = ''

async function post(body: Record<string, unknown>): Promise<{ incident_id: string }> {
  const res = await fetch(`${server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return (await res.json()) as { incident_id: string }
}

/** Known lifecycle times, from three days ago. */
async function lived(id: string, f: { respond?: number; resolve?: number; resolveDue?: number }) {
  const created = new Date(Date.now() - 3 * 86_400_000)
  const at = (min: number | undefined) => (min === undefined ? null : new Date(created.getTime() + min * 60_000))
  await sql`
    UPDATE incidents SET created_at = ${created}, first_response_at = ${at(f.respond)}, resolved_at = ${at(f.resolve)}, ended_at = ${at(f.resolve)},
      status = ${f.resolve !== undefined ? 'resolved' : f.respond !== undefined ? 'in_progress' : 'new'},
      resolve_due_at = ${at(f.resolveDue ?? 20_000)}, response_due_at = ${at(20_000)}
    WHERE id = ${id}::uuid`.execute(db.db)
}

describe.skipIf(!HAVE_CHROMIUM)('review screen in Chromium', () => {
  beforeAll(async () => {
    // No scheduled hotspot passes: the review computes them from the data made here when first asked.
    ;({ db, server, browser } = await startBrowserRig((d) => seedDemoArea(d.db), { SIGAP_HOTSPOT_INTERVAL_S: '0' }))
    const desc = ['Jalan berlubang besar di depan pasar', 'Aspal amblas, motor jatuh', 'Lubang makin lebar setelah hujan']
    for (let i = 0; i < 12; i++) {
      const r = await post({
        channel: (['whatsapp', 'app', 'call_center', 'lapor'] as const)[i % 4],
        category: 'jalan_rusak',
        description: desc[i % 3],
        location: { lat: HOT.lat + (i % 3) * 0.00005, lon: HOT.lon + Math.floor(i / 3) * 0.00005 },
        ...(i === 4 ? { reporter: { name: SECRET, phone: '+62 811 0000 1234', private: true } } : {}),
      })
      hotIncident = r.incident_id
    }
    const t2 = (await post({ channel: 'app', category: 'jalan_rusak', description: 'Jalan rusak dekat sekolah', location: { lat: -6.6, lon: 107.48 } })).incident_id
    const t3 = (await post({ channel: 'web', category: 'jalan_rusak', description: 'Jembatan kecil retak', location: { lat: -6.52, lon: 107.40 } })).incident_id
    await post({ channel: 'call_center', category: 'banjir', description: 'Banjir setinggi lutut', location: { lat: -6.58, lon: 107.46 } })
    // PUPR: responses after 30 and 90 min (median 60), resolutions after 600 and 1500 min (median 17.5 h), one of two in time.
    await lived(hotIncident, { respond: 30, resolve: 600 })
    await lived(t2, { respond: 90, resolve: 1500, resolveDue: 720 })
    await lived(t3, {})
  })
  afterAll(async () => {
    await stopBrowserRig({ db, server, browser })
  })

  it('leadership picks a period, reads the agency table, drills from a hotspot to its reports, downloads the PDF', async () => {
    const { page, context } = await signedInPage(browser, server.url, db, 'leadership', { viewport: { width: 1920, height: 1080 } })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/review`)
    await page.locator('[data-testid="review-main"]').waitFor({ timeout: 30_000 })

    // The period: 30 days, by keyboard-reachable radio.
    const summary = page.waitForResponse((r) => r.url().includes('/api/review/summary?period=month') && r.status() === 200)
    await page.locator('[data-testid="period-month"]').check()
    await summary
    await page.locator('[data-testid="review-main"][aria-busy="false"]').waitFor()
    expect(page.url()).toContain('p=month')
    await expect(page.locator('[data-testid="fig-reports"]').textContent()).resolves.toBe('15')

    const pupr = page.locator('[data-agency="pupr"]')
    const cell = (col: string) => pupr.locator(`[data-col="${col}"]`).textContent().then((s) => s?.trim())
    await expect(cell('received')).resolves.toBe('3')
    await expect(cell('response_p50')).resolves.toBe('60 mnt')
    await expect(cell('resolve_p50')).resolves.toBe('17,5 jam')
    await expect(cell('sla')).resolves.toBe('50,0%')
    await expect(page.locator('[data-agency="bpbd"] [data-col="received"]').textContent()).resolves.toBe('1')
    // Reports per channel, as the seeds made them (call center 112 among them).
    await expect(page.locator('[data-testid="channel-table"] [data-channel="call_center"] th').textContent()).resolves.toBe('Call center 112')
    await page.waitForTimeout(1200) // let the map draw before the picture
    await page.screenshot({ path: join(SCREENSHOTS, 'review-1920x1080.png') })
    await page.screenshot({ path: join(SCREENSHOTS, 'review-full-1920.png'), fullPage: true })

    // Hotspot -> its ticket -> the ticket's reports.
    const hotspot = page.locator('[data-testid="hotspot-list"] button').first()
    await expect(hotspot.locator('b').textContent()).resolves.toBe('12')
    await hotspot.click()
    await page.locator(`[data-incident-id="${hotIncident}"]`).click()
    await page.locator('[data-testid="ticket-reports"] li').nth(11).waitFor()
    expect(await page.locator('[data-testid="ticket-reports"] li').count()).toBe(12)
    await expect(page.locator('[data-testid="ticket-reports"]').textContent()).resolves.toContain('Jalan berlubang besar di depan pasar')
    expect(await page.content()).not.toContain(SECRET)
    await page.waitForTimeout(800)
    await page.screenshot({ path: join(SCREENSHOTS, 'review-drill-1920x1080.png') })

    // The periodic report, as the link gives it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-pdf"]').click()])
    expect(download.suggestedFilename()).toMatch(/^sigap-laporan-.*\.pdf$/)
    const pdf = readFileSync((await download.path())!)
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(errors).toEqual([])
    await context.close()
  })

  it('fits a 1366x768 laptop', async () => {
    const { page, context } = await signedInPage(browser, server.url, db, 'leadership', { viewport: { width: 1366, height: 768 } })
    await page.goto(`${server.url}/review?p=month`)
    await page.locator('[data-agency="pupr"]').waitFor({ timeout: 30_000 })
    // Nothing wider than the screen: no sideways scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366)
    await page.waitForTimeout(1200)
    await page.screenshot({ path: join(SCREENSHOTS, 'review-1366x768.png') })
    await context.close()
  })
})
