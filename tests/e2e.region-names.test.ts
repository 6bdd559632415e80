import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, openLiveScreen, placedNames, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig } from './helpers/browser.js'

let rig: BrowserRig

/**
 * A map about a place names it, even where a landmark's name or the kecamatan's would otherwise
 * take its place: both regions of a dispute, an open ticket's kelurahan. On the demo area a pin
 * in Sindangraya beside Puskesmas Mekarjaya, tagged to Karangrahayu, lost Sindangraya's name to
 * the landmark's, and a traffic ticket in Sindangmukti lost its kelurahan's name on the desk
 * (1280x800): the regions that mattered were ranked as any other kelurahan.
 */
describe.skipIf(!HAVE_CHROMIUM)('the regions a map is about are named (demo area)', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
  })
  afterAll(() => stopBrowserRig(rig))

  async function disputeOnScreen(page: Page, location: { lat: number; lon: number }, claimed: string): Promise<string> {
    const res = await fetch(`${rig.server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', category: 'banjir', description: 'Genangan air tidak surut sejak pagi', location: { ...location, accuracy_m: 13 }, claimed_region: claimed }),
    })
    expect(res.status).toBe(201)
    const id = ((await res.json()) as { location_check: { dispute_id: string } }).location_check.dispute_id
    await page.locator(`[data-testid="queue"] [data-dispute-id="${id}"]`).click()
    await page.locator(`[data-testid="detail"][data-dispute-id="${id}"]`).waitFor()
    return id
  }

  for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    it(`disputes: names the tagged and the detected region at ${viewport.width}x${viewport.height}`, async () => {
      const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'region_head', { regionCodes: ['99.01.01'], viewport })
      const errors: string[] = []
      await openLiveScreen(page, `${rig.server.url}/disputes`, errors)
      await disputeOnScreen(page, { lat: -6.461462628726783, lon: 107.51635615092246 }, 'Karangrahayu')
      await expect.poll(() => placedNames(page), { timeout: 10_000 }).toEqual(expect.arrayContaining(['Karangrahayu', 'Sindangraya']))
      expect(errors).toEqual([])
      await page.close()
    })
  }

  it('desk: names the open ticket\'s kelurahan at 1280x800', async () => {
    const res = await fetch(`${rig.server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', category: 'kemacetan', description: 'Macet total di simpang pasar', location: { lat: -6.472547, lon: 107.351034 } }),
    })
    expect(res.status).toBe(201)
    const { incident_id: id, region } = (await res.json()) as { incident_id: string; region: { name: string } }
    expect(region.name).toBe('Sindangmukti')
    const { page } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator', { viewport: { width: 1280, height: 800 } })
    const errors: string[] = []
    await openLiveScreen(page, `${rig.server.url}/desk?t=${id}`, errors)
    await page.locator(`[data-testid="desk-detail"][data-ticket-id="${id}"]`).waitFor()
    await expect.poll(() => placedNames(page), { timeout: 10_000 }).toContain('Sindangmukti')
    expect(errors).toEqual([])
    await page.close()
  })
})
