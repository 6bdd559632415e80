import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { createUser } from '../server/users/user.service.js'
import { HAVE_CHROMIUM, startBrowserRig, stopBrowserRig, type BrowserRig, SCREENSHOTS } from './helpers/browser.js'

// A 112 operator signs in through the form, logs a call with the keyboard, places it on the
// map and by kelurahan name, sees the open incident nearby, attaches the call to it and saves
// (the first answer is lost on the way back: the retry must not store the call twice).

let db: BrowserRig['db']
let server: BrowserRig['server']
let browser: BrowserRig['browser']

const VIEWPORT = { width: 1920, height: 1080 }
const PASSWORD = 'operator-password-1'

interface Kelurahan {
  name: string
  label: [number, number]
}

describe.skipIf(!HAVE_CHROMIUM)('call-center intake in Chromium', () => {
  beforeAll(async () => {
    ;({ db, server, browser } = await startBrowserRig(async (d) => {
      await seedDemoArea(d.db)
      await createUser(d, { username: 'siti', display_name: 'Siti Rahmawati', role: 'operator', password: PASSWORD }, null)
    }))
  })
  afterAll(() => stopBrowserRig({ db, server, browser }))

  it('says so on a wrong password and stays on the sign-in form', async () => {
    const page = await browser.newPage({ viewport: VIEWPORT })
    await page.goto(`${server.url}/signin`)
    await page.getByLabel('Nama pengguna').waitFor()
    await page.screenshot({ path: join(SCREENSHOTS, 'signin-1920x1080.png') })
    await page.getByLabel('Nama pengguna').fill('siti')
    await page.getByLabel('Kata sandi').fill('not-her-password')
    await page.keyboard.press('Enter')
    // A wrong password is checked as slowly as a right one (scrypt): more than the default 1 s on a busy machine.
    await expect.poll(() => page.getByTestId('signin-error').textContent(), { timeout: 10_000 }).toContain('salah')
    expect(new URL(page.url()).pathname).toBe('/signin')
    // The password is cleared for the next try and has the focus.
    expect(await page.getByLabel('Kata sandi').inputValue()).toBe('')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('signin-pass')
    await page.screenshot({ path: join(SCREENSHOTS, 'signin-error-1920x1080.png') })
    await page.close()
  })

  it('signs an operator in, logs a call and attaches it to the open incident nearby', async () => {
    // An open fire incident, 80 m north of a kelurahan's centre, reported earlier on WhatsApp.
    const regions = (await (await fetch(`${server.url}/api/regions?level=kelurahan&zoom=12`)).json()) as { features: { properties: Kelurahan }[] }
    const names = regions.features.map((f) => f.properties.name)
    const kel = regions.features.map((f) => f.properties).find((k) => names.filter((n) => n.toLowerCase().startsWith(k.name.toLowerCase())).length === 1)!
    expect(kel, 'a kelurahan whose name no other name starts with').toBeDefined()
    const incidentAt = { lat: kel.label[1] + 80 / 110_574, lon: kel.label[0] }
    const first = await fetch(`${server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'whatsapp', category: 'kebakaran', description: 'Asap tebal dari gudang kayu dekat pasar', location: incidentAt }),
    })
    expect(first.status).toBe(201)
    const incidentId = ((await first.json()) as { incident_id: string }).incident_id

    const context = await browser.newContext({ viewport: VIEWPORT })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${server.url}/`)
    await page.waitForURL('**/signin')
    await page.getByLabel('Nama pengguna').fill('siti')
    await page.getByLabel('Kata sandi').fill(PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL('**/intake')
    await expect.poll(() => page.getByTestId('nav-user').textContent()).toContain('Siti Rahmawati')
    expect(await page.getByTestId('nav-user').textContent()).toContain('Operator 112')
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Penerimaan 112')
    await page.locator('canvas').first().waitFor()

    // The keyboard alone: number, name, (not private), category by search, description.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('intake-phone')
    await page.keyboard.type('0812 3456 7890')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Pak Darto')
    await page.keyboard.press('Enter')
    await page.keyboard.press('Enter') // past the private box
    await page.keyboard.type('kebak')
    await page.getByRole('option', { name: 'Kebakaran' }).waitFor()
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('intake-description')
    await page.keyboard.type('Api dan asap dari gudang kayu, warga sudah mengungsi')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('intake-kelurahan')

    // A click on the map places the call, and names the kelurahan under the click.
    const box = (await page.locator('section.map canvas').first().boundingBox())!
    await page.waitForTimeout(500) // the regions are drawn before the click is read
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect.poll(() => page.getByTestId('intake-point').textContent()).toContain('dipilih di peta')

    // Then by name: the kelurahan the caller names, picked with Enter, replaces the click.
    await page.getByTestId('intake-kelurahan').focus()
    await page.keyboard.type(kel.name)
    await page.getByRole('option', { name: new RegExp(`^${kel.name}`) }).first().waitFor()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('intake-point').textContent()).toContain(kel.name)

    // The incident nearby is listed; the focus is on the choice; ArrowDown picks the incident.
    const option = page.locator(`[data-incident-id="${incidentId}"]`)
    await option.waitFor({ timeout: 10_000 })
    expect(await option.textContent()).toContain('Asap tebal dari gudang kayu')
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('attach')
    await page.keyboard.press('ArrowDown')
    expect(await option.locator('input').isChecked()).toBe(true)
    // The caller agrees to updates by SMS (the box is there once a number is given).
    await page.getByTestId('intake-notify').check()
    await option.locator('input').focus()
    await page.waitForTimeout(800) // the map's move and the pins settle before the picture
    await page.screenshot({ path: join(SCREENSHOTS, 'intake-1920x1080.png') })

    // The first save reaches the server but its answer is lost; Enter again retries it.
    let posts = 0
    await page.route('**/api/reports', async (route) => {
      posts++
      if (posts > 1) return route.continue()
      // route.fetch goes through the context's pooled connections, one of which the server may
      // be closing as it is reused (playwright#42701): once more on a fresh one. Each try is
      // bounded (one hung for the test's whole 30 s in a CI run on PostgreSQL), and either way
      // the request is settled: a handler that throws leaves the page waiting for ever.
      const tryOnce = () => route.fetch({ maxRetries: 1, timeout: 10_000 })
      await tryOnce()
        .catch(tryOnce)
        .catch(() => undefined)
        .finally(() => route.abort('failed'))
    })
    // The choice has the focus as the operator presses Enter. (In two of three CI runs of the whole
    // suite today no save was sent within 30 s and the page showed no error; the focus is checked
    // here again, and a save that is not sent fails at once, with where the focus was.)
    await option.locator('input').focus()
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName}#${document.activeElement?.id}[${(document.activeElement as HTMLInputElement | null)?.value ?? ''}]`)
    expect(await focused()).toBe(`INPUT#[${incidentId}]`)
    await page.keyboard.press('Enter')
    await expect.poll(() => posts, { timeout: 10_000, message: 'Enter on the chosen incident sends the save' }).toBeGreaterThan(0)
    await page.getByTestId('intake-error').waitFor()
    await page.keyboard.press('Enter')
    const ticket = page.getByTestId('saved-ticket')
    await ticket.waitFor()
    expect(posts).toBe(2)
    expect(await ticket.textContent()).toBe(`#${incidentId.slice(0, 8).toUpperCase()}`)
    expect(await page.getByTestId('saved').textContent()).toContain('tidak dicatat dua kali')
    // Cleared for the next call, which starts at the number again.
    expect(await page.getByTestId('intake-description').inputValue()).toBe('')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('intake-phone')
    expect(await page.getByTestId('recent').textContent()).toContain(`#${incidentId.slice(0, 8).toUpperCase()}`)
    await page.screenshot({ path: join(SCREENSHOTS, 'intake-saved-1920x1080.png') })
    // English on request, from the top bar.
    await page.getByRole('button', { name: 'EN', exact: true }).click()
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Log a 112 call')
    expect(await page.getByTestId('sign-out').textContent()).toBe('Sign out')

    // The incident has both reports; the call is stored once, as a call-center report.
    const inc = (await (await context.request.get(`${server.url}/api/incidents/${incidentId}`)).json()) as { report_count: number; channels: string[]; reports: { channel: string; description: string }[] }
    expect(inc.report_count).toBe(2)
    expect(inc.channels).toEqual(['call_center', 'whatsapp'])
    const calls = inc.reports.filter((r) => r.channel === 'call_center')
    expect(calls.map((r) => r.description)).toEqual(['Api dan asap dari gudang kayu, warga sudah mengungsi'])
    const stored = await db.db.selectFrom('reports').select(['reporter_phone', 'reporter_name', 'reporter_private']).where('channel', '=', 'call_center').execute()
    expect(stored).toEqual([{ reporter_phone: '0812 3456 7890', reporter_name: 'Pak Darto', reporter_private: false }])
    const consents = await db.db.selectFrom('report_contact_consents as k').innerJoin('reports as r', 'r.id', 'k.report_id').select('r.channel').execute()
    expect(consents).toEqual([{ channel: 'call_center' }])
    expect(errors).toEqual([])
    await context.close()
  })
})
