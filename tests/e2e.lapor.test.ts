import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { HAVE_CHROMIUM, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS } from './helpers/browser.js'

// A citizen on a phone (412x860) reports on /lapor without signing in: once a new report placed
// by tapping the map, once "saya juga" on the open report of the same kind near their location.

let rig: BrowserRig
const PHONE = { width: 412, height: 860 }
let here = { lat: 0, lon: 0 }
let incidentId = ''

async function phoneContext(): Promise<BrowserContext> {
  const context = await rig.browser.newContext({ viewport: PHONE, hasTouch: true, geolocation: { latitude: here.lat, longitude: here.lon, accuracy: 15 } })
  await context.grantPermissions(['geolocation'], { origin: rig.server.url })
  return context
}

describe.skipIf(!HAVE_CHROMIUM)('the citizens\' report form in Chromium, on a phone', () => {
  beforeAll(async () => {
    rig = await startBrowserRig((d) => seedDemoArea(d.db))
    const regions = (await (await fetch(`${rig.server.url}/api/regions?level=kelurahan&zoom=12`)).json()) as { features: { properties: { label: [number, number] } }[] }
    const [lon, lat] = regions.features[0]!.properties.label
    // An open pothole 25 m north of where the citizen stands (potholes join within 50 m).
    const first = await fetch(`${rig.server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', category: 'jalan_rusak', description: 'Lubang besar, motor sering jatuh', location: { lat: lat + 25 / 110_574, lon }, reporter: { name: 'Warga Rahasia', phone: '081200001111', private: true } }),
    })
    expect(first.status).toBe(201)
    incidentId = ((await first.json()) as { incident_id: string }).incident_id
    here = { lat, lon }
  })
  afterAll(() => stopBrowserRig(rig))

  it('sends a new report placed on the map and shows its ticket number and status link', async () => {
    const context = await phoneContext()
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${rig.server.url}/lapor`)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Lapor')
    await page.locator('[data-testid="lapor-map"] canvas').first().waitFor()
    // Nothing filled: the form says what is missing and sends nothing.
    await page.getByTestId('lapor-submit').click()
    await expect.poll(() => page.locator('.err').count()).toBe(3)

    await expect.poll(() => page.locator('[data-testid="lapor-category"] option').count()).toBeGreaterThan(5)
    await page.getByTestId('lapor-category').selectOption('sampah')
    await page.getByTestId('lapor-map').scrollIntoViewIfNeeded()
    // A tap on the map places the point (once the map has loaded and listens).
    await expect
      .poll(
        async () => {
          const box = (await page.getByTestId('lapor-map').boundingBox())!
          await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
          return page.getByTestId('lapor-picked').count()
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe(1)
    await page.getByTestId('lapor-nearby-none').waitFor()
    await page.getByTestId('lapor-description').fill('Sampah menumpuk tiga hari di depan pasar')
    await page.getByTestId('lapor-name').fill('Ibu Sari')
    await page.getByTestId('lapor-phone').fill('0812 3456 7890')
    await page.getByTestId('lapor-private').check()
    await page.getByTestId('lapor-notify').check()
    await page.screenshot({ path: join(SCREENSHOTS, 'lapor-new-412x860.png'), fullPage: true })
    await page.getByTestId('lapor-submit').click()

    await page.getByTestId('lapor-done').waitFor()
    const ticket = (await page.getByTestId('lapor-ticket').textContent())!.trim()
    expect(ticket).toMatch(/^[0-9A-F]{8}$/)
    const href = (await page.getByTestId('lapor-status-link').getAttribute('href'))!
    expect(href).toMatch(new RegExp(`^/status/${ticket}\\?k=`))
    await page.screenshot({ path: join(SCREENSHOTS, 'lapor-done-412x860.png') })
    const stored = await rig.db.db.selectFrom('reports').selectAll().where('channel', '=', 'web').where('category_code', '=', 'sampah').executeTakeFirstOrThrow()
    expect(stored.id.slice(0, 8).toUpperCase()).toBe(ticket)
    expect(stored).toMatchObject({ reporter_name: 'Ibu Sari', reporter_phone: '0812 3456 7890', reporter_private: true })
    expect(await rig.db.db.selectFrom('report_contact_consents').select('report_id').where('report_id', '=', stored.id).executeTakeFirst()).toBeDefined()
    // The link opens the citizen's own status page.
    await page.getByTestId('lapor-status-link').click()
    await expect.poll(() => page.locator('body').textContent()).toContain(ticket)
    expect(errors).toEqual([])
    await context.close()
  })

  it('shows the open report of the same kind near the phone\'s location and joins it with "saya juga"', async () => {
    const context = await phoneContext()
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${rig.server.url}/lapor`)
    await page.locator('[data-testid="lapor-map"] canvas').first().waitFor()
    await expect.poll(() => page.locator('[data-testid="lapor-category"] option').count()).toBeGreaterThan(5)
    await page.getByTestId('lapor-category').selectOption('jalan_rusak')
    await page.getByTestId('lapor-locate').click()
    await page.getByTestId('lapor-picked').waitFor()
    const item = page.getByTestId('lapor-nearby-item')
    await expect.poll(() => item.count()).toBe(1)
    const text = (await item.textContent())!
    expect(text).toContain('Diterima, menunggu verifikasi')
    expect(text).toContain('1 pelapor')
    // Nothing of the first reporter reaches the page.
    expect(await page.locator('body').textContent()).not.toContain('Warga Rahasia')
    expect(await page.locator('body').textContent()).not.toContain('motor sering jatuh')
    await item.getByRole('button', { name: 'Saya juga' }).click()
    await page.getByTestId('lapor-join-note').waitFor()
    expect((await page.getByTestId('lapor-submit').textContent())!.trim()).toBe('Kirim: saya juga')
    await page.getByTestId('lapor-nearby').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SCREENSHOTS, 'lapor-saya-juga-412x860.png') })
    // English on request.
    await page.getByRole('button', { name: 'EN' }).click()
    expect((await page.getByTestId('lapor-submit').textContent())!.trim()).toBe('Send: me too')
    await page.getByRole('button', { name: 'ID' }).click()
    await page.getByTestId('lapor-submit').click()

    await page.getByTestId('lapor-done').waitFor()
    expect(await page.getByTestId('lapor-done').textContent()).toContain('digabung')
    await page.screenshot({ path: join(SCREENSHOTS, 'lapor-joined-412x860.png') })
    const inc = await rig.db.db.selectFrom('incidents').select(['report_count', 'channels']).where('id', '=', incidentId).executeTakeFirstOrThrow()
    expect(inc.report_count).toBe(2)
    expect([...inc.channels].sort()).toEqual(['web', 'whatsapp'])
    expect(errors).toEqual([])
    await context.close()
  })

  it('keeps to a readable column on a desktop screen', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
      const page = await rig.browser.newPage({ viewport })
      await page.goto(`${rig.server.url}/lapor?lang=en`)
      await expect.poll(() => page.locator('h1').textContent()).toBe('Report')
      await page.locator('[data-testid="lapor-map"] canvas').first().waitFor()
      const form = (await page.locator('main.lapor').boundingBox())!
      expect(form.width).toBeLessThanOrEqual(560)
      expect(Math.abs(form.x + form.width / 2 - viewport.width / 2)).toBeLessThan(20)
      await page.screenshot({ path: join(SCREENSHOTS, `lapor-${viewport.width}x${viewport.height}.png`) })
      await page.close()
    }
  })
})
