import { chromium } from 'playwright-core'

// Usage: tsx scripts/screenshot.ts URL OUT.png [WIDTHxHEIGHT] [WAIT_MS]
// SIGN_IN=user:password signs in first (the screens behind a role: /desk, /field, /review…);
// CLICK=selector clicks the first element it matches after the wait, and waits again (a ticket
// opened on the field screen, a dispute chosen); CLIP=x,y,w,h saves only that part of the page, at
// its own size (a detail the file tool would otherwise see shrunk).
const [url, out, size = '1920x1080', wait = '4000'] = process.argv.slice(2)
if (!url || !out) {
  console.error('usage: tsx scripts/screenshot.ts URL OUT.png [WIDTHxHEIGHT] [WAIT_MS]')
  process.exit(2)
}
const [width, height] = size.split('x').map(Number)
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
})
const context = await browser.newContext({ viewport: { width: width!, height: height! } })
if (process.env.SIGN_IN) {
  const [username, ...rest] = process.env.SIGN_IN.split(':')
  const r = await context.request.post(new URL('/api/auth/login', url).href, { data: { username, password: rest.join(':') } })
  if (!r.ok()) throw new Error(`sign-in as ${username}: ${r.status()}`)
}
const page = await context.newPage()
page.on('console', (m) => m.type() === 'error' && console.error('console:', m.text()))
page.on('pageerror', (e) => console.error('pageerror:', e.message))
await page.goto(url)
await page.waitForTimeout(Number(wait))
if (process.env.CLICK) {
  await page.locator(process.env.CLICK).first().click()
  await page.waitForTimeout(Number(wait))
}
const clip = process.env.CLIP?.split(',').map(Number)
await page.screenshot({ path: out, ...(clip && { clip: { x: clip[0]!, y: clip[1]!, width: clip[2]!, height: clip[3]! } }) })
await browser.close()
