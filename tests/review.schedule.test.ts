import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dueReports } from '../server/review/review.due.js'
import { deliverDueReports } from '../server/review/review.schedule.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

/** The periodic report delivered by itself: yesterday's and last week's PDF, with the regency's name, DEMO marked in demo mode. */
let t: TestApp
const wib = (s: string) => new Date(`${s}:00+07:00`)

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_AUTHORITY_NAME: 'Kabupaten Purwakarta', SIGAP_DEMO: '1' }) })
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

/** The text a PDF shows, read back from its uncompressed content streams (hex strings in TJ arrays). */
const pdfText = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n')

describe('scheduled periodic report', () => {
  it('is due after 06:00 WIB for the day before and the Monday-to-Sunday week before, in WIB', () => {
    expect(dueReports(['daily', 'weekly'], wib('2026-03-11T05:59'))).toEqual([])
    const due = dueReports(['daily', 'weekly'], wib('2026-03-11T07:00'))
    expect(due.map((d) => [d.kind, d.file, d.window.from.toISOString(), d.window.to.toISOString()])).toEqual([
      ['daily', 'sigap-harian-2026-03-10.pdf', wib('2026-03-10T00:00').toISOString(), wib('2026-03-11T00:00').toISOString()],
      ['weekly', 'sigap-mingguan-2026-03-02_2026-03-08.pdf', wib('2026-03-02T00:00').toISOString(), wib('2026-03-09T00:00').toISOString()],
    ])
    // On a Monday the week just ended is the one reported.
    expect(dueReports(['weekly'], wib('2026-03-09T06:30'))[0]!.file).toBe('sigap-mingguan-2026-03-02_2026-03-08.pdf')
  })

  it('writes each PDF once into the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigap-reports-'))
    const first = await deliverDueReports(t.deps, dir, ['daily', 'weekly'], wib('2026-03-11T07:00'))
    expect(first.map((f) => f.slice(dir.length + 1))).toEqual(['sigap-harian-2026-03-10.pdf', 'sigap-mingguan-2026-03-02_2026-03-08.pdf'])
    for (const f of first) expect(readFileSync(f).subarray(0, 5).toString('latin1')).toBe('%PDF-')
    expect(await deliverDueReports(t.deps, dir, ['daily', 'weekly'], wib('2026-03-11T09:00'))).toEqual([])
    expect(readdirSync(dir).sort()).toEqual(['sigap-harian-2026-03-10.pdf', 'sigap-mingguan-2026-03-02_2026-03-08.pdf'])
  })

  it('carries the regency\'s name and, in demo mode, DEMO on every page (the downloaded PDF too)', async () => {
    const leadership = (await signIn(t, 'leadership')).headers
    const res = await t.app.request('/api/review/report.pdf?period=week&compress=0', { headers: leadership })
    expect(res.status).toBe(200)
    const text = pdfText(Buffer.from(await res.arrayBuffer()))
    expect(text).toContain('Kabupaten Purwakarta')
    expect(text.match(/DEMO · data contoh/g)).toHaveLength(4)
  })
})
