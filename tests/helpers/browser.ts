import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Db } from '../../server/db/connect.js'
import { startServer, webDist, type Running } from '../../server/server.js'
import { testConfig } from './app.js'
import { createTestDb } from './db.js'
import { createUser } from '../../server/users/user.service.js'
import type { UserRole } from '../../server/auth/principal.js'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const HAVE_CHROMIUM = existsSync(CHROMIUM)
if (!HAVE_CHROMIUM) console.warn(`[skip] Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH): browser tests are skipped`)

export const SCREENSHOTS = join(import.meta.dirname, '../screenshots')

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    // WebGL renders through SwiftShader on machines without a GPU.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  })
}

/**
 * A browser page signed in as a new user of the given role, through the real sign-in endpoint
 * (the session cookie lands in the page's context). Creates the user in `db`.
 */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  db: Db,
  role: UserRole,
  opts: { regionCodes?: string[]; agencyCode?: string; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; context: BrowserContext; userId: string; username: string }> {
  const username = `${role}-${Math.random().toString(36).slice(2, 8)}`
  const password = 'test-password-123'
  const user = await createUser(db, { username, role, password, region_codes: opts.regionCodes, agency_code: opts.agencyCode ?? null }, null)
  const context = await browser.newContext({ viewport: opts.viewport ?? { width: 1920, height: 1080 } })
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: { username, password } })
  if (res.status() !== 200) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`)
  const page = await context.newPage()
  return { page, context, userId: user.id, username }
}

/** What an end-to-end test runs against: its database, a real server on it, and Chromium. */
export interface BrowserRig {
  db: Db & { url?: string }
  server: Running
  browser: Browser
}

/**
 * A fresh test database prepared by `seed`, a real server on it serving the built screens
 * (fails at once, saying how, when they are not built), and headless Chromium.
 */
export async function startBrowserRig(seed: (db: Db) => Promise<unknown>, settings: Partial<Record<string, string>> = {}): Promise<BrowserRig> {
  const config = testConfig(settings)
  const dist = webDist(config)
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no built screens: run \`npm run build\` (npm test does) or set SIGAP_WEB_DIST`)
  const db = await createTestDb()
  await seed(db)
  const server = await startServer(config, { db })
  return { db, server, browser: await launchBrowser() }
}

export async function stopBrowserRig(rig: Partial<BrowserRig> | undefined): Promise<void> {
  await rig?.browser?.close()
  await rig?.server?.close()
  await rig?.db?.close()
}

/** Opens a live screen and waits until its socket is live and its map has drawn a canvas. */
export async function openLiveScreen(page: Page, url: string, errors: string[], timeout = 20_000): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout })
  await page.locator('canvas').first().waitFor()
}

// any: API answers in browser tests are checked field by field.
/** The text (or tag) of every shown element under `selector` that runs past the screen's right edge: what a phone would cut off. */
export function pastRightEdge(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const off = [...document.querySelectorAll(sel)].filter((e) => {
      const r = e.getBoundingClientRect()
      return r.width > 0 && r.right > window.innerWidth + 0.5
    })
    return off.map((e) => e.textContent?.trim().slice(0, 30) || e.tagName)
  }, selector)
}

/**
 * The map names (the label board's placed boxes, `data-label-boxes` on the map's element, in its
 * pixels) that lie under any element matching `over`: a panel laid over the map hiding a name.
 */
export async function namesUnder(page: Page, over: string, map = '.maplibregl-map'): Promise<string[]> {
  const m = (await page.locator(map).first().boundingBox())!
  const labels = await labelBoxes(page, map)
  const under: string[] = []
  for (const el of await page.locator(over).all()) {
    const b = await el.boundingBox()
    if (!b) continue
    const [bx0, by0, bx1, by1] = [b.x - m.x, b.y - m.y, b.x - m.x + b.width, b.y - m.y + b.height]
    for (const [x0, y0, x1, y1, name] of labels) if (x0 < bx1 && x1 > bx0 && y0 < by1 && y1 > by0) under.push(name)
  }
  return under
}

/** The names the map's label board placed (every other name was left out for want of room). */
export async function placedNames(page: Page, map = '.maplibregl-map'): Promise<string[]> {
  return (await labelBoxes(page, map)).map((l) => l[4])
}

/** The label board's placed boxes, [left, top, right, bottom, text] in the map's pixels. */
async function labelBoxes(page: Page, map: string): Promise<[number, number, number, number, string][]> {
  return JSON.parse((await page.locator(map).first().getAttribute('data-label-boxes')) ?? '[]') as [number, number, number, number, string][]
}

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The rig's API over HTTP, as a screen's user would call it: a signed-in user's headers, and a call. */
export function rigApi(rig: () => BrowserRig) {
  return {
    async apiUser(role: UserRole): Promise<Record<string, string>> {
      const username = `${role}-${Math.random().toString(36).slice(2, 8)}`
      await createUser(rig().db, { username, role, password: 'test-password-123', agency_code: null }, null)
      const res = await fetch(`${rig().server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'test-password-123' }) })
      if (res.status !== 200) throw new Error(`sign-in as ${role}: ${res.status}`)
      return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-requested-with': 'sigap' }
    },
    async api(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: Json }> {
      const res = await fetch(`${rig().server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      return { status: res.status, body: (await res.json()) as Json }
    },
  }
}
