import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Db } from '../../server/db/connect.js'
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
