import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, SCREENSHOTS, signedInPage, startBrowserRig, stopBrowserRig, type BrowserRig } from './helpers/browser.js'

/** The command room sees JAKI's red and LAPOR!'s two clocks on the desk, at the two desk sizes. */
let rig: BrowserRig

describe.skipIf(!HAVE_CHROMIUM)('red and LAPOR! clocks on the desk in Chromium', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
  })
  afterAll(() => stopBrowserRig(rig))

  it('tags a ticket six days without a response red in the queue and its detail, and shows a LAPOR! ticket\'s two stages', async () => {
    const at = (await sql<{ lon: number; lat: number }>`SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM regions WHERE level = 'kelurahan' ORDER BY code LIMIT 1`.execute(rig.db.db)).rows[0]!
    const post = async (channel: string, category: string, dy: number) => {
      const res = await fetch(`${rig.server.url}/api/reports`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, category, description: 'Laporan uji jam layanan', location: { lat: at.lat + dy, lon: at.lon } }),
      })
      expect(res.status).toBe(201)
      return ((await res.json()) as { incident_id: string }).incident_id
    }
    const quiet = await post('whatsapp', 'penerangan_jalan', 0.002)
    const lapor = await post('lapor', 'drainase', -0.002)
    await sql`UPDATE incidents SET created_at = now() - interval '7 days', status_changed_at = now() - interval '7 days' WHERE id = ${quiet}::uuid`.execute(rig.db.db)

    for (const viewport of [{ width: 1920, height: 1080 }, { width: 1280, height: 800 }]) {
      const { page, context } = await signedInPage(rig.browser, rig.server.url, rig.db, 'operator', { viewport })
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${rig.server.url}/desk?t=${lapor}`)
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 20_000 })
      await page.locator(`[data-testid="queue-item"][data-ticket-id="${quiet}"] [data-testid="queue-red"]`).waitFor()
      expect(await page.locator(`[data-testid="queue-item"][data-ticket-id="${lapor}"] [data-testid="queue-red"]`).count()).toBe(0)
      const stages = page.locator('[data-testid="detail-lapor"]')
      await stages.waitFor()
      expect(await stages.textContent()).toMatch(/LAPOR! verifikasi: batas .*rencana tindak lanjut: dimulai setelah verifikasi/s)
      await page.screenshot({ path: join(SCREENSHOTS, `desk-clocks-${viewport.width}x${viewport.height}.png`) })
      await page.locator(`[data-testid="queue-item"][data-ticket-id="${quiet}"]`).click()
      await page.locator('[data-testid="detail-red"]').waitFor()
      expect(errors).toEqual([])
      await context.close()
    }

    // The wall's tickets scene: the red ring in its legend and the count beside the late ones.
    const { page, context } = await signedInPage(rig.browser, rig.server.url, rig.db, 'leadership')
    await page.goto(`${rig.server.url}/wall?scene=tickets`)
    await page.locator('[data-testid="scene-panel-tickets"]').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.locator('[data-testid="tickets-red"]').textContent(), { timeout: 20_000 }).toBe('1')
    await page.screenshot({ path: join(SCREENSHOTS, 'wall-tickets-red-1920x1080.png') })
    await context.close()
  })
})
