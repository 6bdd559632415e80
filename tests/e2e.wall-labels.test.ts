import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { DemoSimulator } from '../server/demo/demo.simulator.js'
import { refreshWindow } from '../server/hotspots/hotspot.service.js'
import { MAP_LABEL_PX } from '../web/src/wall/sizes.js'
import { HAVE_CHROMIUM, SCREENSHOTS, startBrowserRig, stopBrowserRig, type BrowserRig } from './helpers/browser.js'

let rig: BrowserRig
const errors: string[] = []
type Box = [number, number, number, number, string, number, number]

const n = (box: readonly unknown[], i: number) => box[i] as number
const overlap = (a: readonly unknown[], b: readonly unknown[]) => n(a, 0) < n(b, 2) - 0.5 && n(a, 2) > n(b, 0) + 0.5 && n(a, 1) < n(b, 3) - 0.5 && n(a, 3) > n(b, 1) + 0.5

/** The wall's placed labels and pins once placement has settled (the same twice in a row). */
async function placed(page: Page): Promise<{ labels: Box[]; pins: number[][] }> {
  const map = page.locator('.map').first()
  let last = ''
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(500)
    const now = `${await map.getAttribute('data-label-boxes')}|${await map.getAttribute('data-pin-boxes')}`
    if (now === last && now !== 'null|null') break
    last = now
  }
  return { labels: JSON.parse((await map.getAttribute('data-label-boxes')) ?? '[]') as Box[], pins: JSON.parse((await map.getAttribute('data-pin-boxes')) ?? '[]') as number[][] }
}

describe.skipIf(!HAVE_CHROMIUM)('wall labels in Chromium', () => {
  beforeAll(async () => {
    rig = await startBrowserRig(async (d) => {
      await seedDemoArea(d.db)
    })
    // A busy day of the demo: pins everywhere, a few bursts for hotspots.
    const sim = new DemoSimulator(rig.db.db, {
      seed: 3,
      post: async (input) => {
        const res = await fetch(`${rig.server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
        if (res.status !== 201) throw new Error(`intake ${res.status}`)
      },
    })
    await sim.init()
    await sim.backfill(140, 0.9)
    // Bursts are drawn by the hour (none at some hours), so the hotspots are posted outright.
    for (const [category, h] of [['banjir', 3], ['kebakaran', 6]] as const) await sim.pastBurst({ at: Date.now() - h * 3_600_000, category, size: 8, spreadMin: 90, radiusM: 150 })
    await refreshWindow(rig.server.deps, '24h')
  }, 180_000)
  afterAll(() => stopBrowserRig(rig))

  for (const scene of ['tickets', 'hotspots', 'heatmap', 'disputes']) {
    it(`places no label over another or over a pin at 1920x1080 (${scene})`, async () => {
      const page = await rig.browser.newPage({ viewport: { width: 1920, height: 1080 } })
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${rig.server.url}/wall?scene=${scene}`)
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: 60_000 })
      const { labels, pins } = await placed(page)
      await page.screenshot({ path: join(SCREENSHOTS, `wall-labels-${scene}-1920x1080.png`) })
      const texts = labels.map((l) => l[4])
      // The kecamatan names, landmarks and many kelurahan names are there...
      // Every kecamatan, since they are what people find their way by (moved aside from pins if need be).
      for (const kec of ['SUKAMAJU', 'CIBENING', 'MEKARJAYA', 'KARANGSARI', 'SINDANGLAYA', 'TEGALWARU', 'MARGAHAYU', 'PASIRJATI']) expect(texts).toContain(kec)
      // A landmark at least: at the size read from 4 m (web/src/wall/sizes.ts), on this busy day,
      // most give way to pins and names of higher rank, and none may lie under the panels.
      const landmarks = ((await (await fetch(`${rig.server.url}/api/map-features`)).json()) as { features: { properties: { kind: string; name: string } }[] }).features
        .filter((f) => f.properties.kind === 'landmark')
        .map((f) => f.properties.name)
      expect(landmarks.filter((l) => texts.includes(l)).length).toBeGreaterThanOrEqual(1)
      expect(labels.length).toBeGreaterThan(12)
      if (scene === 'tickets') expect(pins.length).toBeGreaterThan(20)
      // ...and none covers another, nor a pin (apart from hotspot counts, which stand on their
      // hotspot, and kecamatan names with no place free of pins, which are drawn beneath them).
      for (let i = 0; i < labels.length; i++) {
        for (let j = i + 1; j < labels.length; j++) expect(overlap(labels[i]!, labels[j]!), `${labels[i]![4]} / ${labels[j]![4]}`).toBe(false)
        if (!labels[i]![5]) for (const p of pins) expect(overlap(labels[i]!, p), `${labels[i]![4]} over a pin`).toBe(false)
        // Readable from 4 m: at least fine print (the box is the text plus its halo; sizes are checked in e2e.wall-sizes).
        expect(labels[i]![3] - labels[i]![1]).toBeGreaterThanOrEqual(MAP_LABEL_PX.name * 1.2)
      }
      // The header's larger figures still end inside the screen.
      const live = await page.locator('[data-testid="live-status"]').boundingBox()
      expect(live!.x + live!.width).toBeLessThanOrEqual(1920)
      await page.close()
    }, 120_000)
  }

  it('raised no page errors', () => expect(errors).toEqual([]))
})
