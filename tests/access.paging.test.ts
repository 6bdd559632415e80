import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { REPORT_PAGE_DEFAULT, REPORT_PAGE_MAX, ReportListQuery } from '../server/reports/report.schema.js'
import { getAllPages } from '../web/src/lib/api.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/** GET /api/reports a page at a time: capped pages, a `next` link, nothing skipped or repeated, scope on every page. */
let t: TestApp
const as = (p: Principal) => ({ 'x-test-principal': JSON.stringify(p) })
const alfa: string[] = []
const beta: string[] = []

beforeAll(async () => {
  t = await createTestApp({
    authenticate: async (h) => {
      const raw = h.get('x-test-principal')
      return raw ? (JSON.parse(raw) as Principal) : null
    },
  })
  await seedTwoKelurahan(t.db.db)
  // Four share one reported_at: pages must break ties by id, not lose or repeat them.
  const same = new Date(Date.now() - 60_000).toISOString()
  for (let i = 0; i < 7; i++) {
    const a = await t.json('POST', '/api/reports', reportInput({ location: spotIn(ALFA), ...(i < 4 ? { reported_at: same } : {}) }))
    alfa.push(a.body.id)
    const b = await t.json('POST', '/api/reports', reportInput({ category: 'sampah', location: spotIn(BETA) }))
    beta.push(b.body.id)
  }
}, 120_000)
afterAll(() => t.close())

async function follow(path: string, h: Record<string, string> = {}) {
  const pages: { seq: number; reports: { id: string; reported_at: string }[]; next: string | null }[] = []
  for (let next: string | null = path; next; ) {
    const res = await t.json('GET', next, undefined, h)
    expect(res.status).toBe(200)
    pages.push(res.body)
    next = res.body.next
  }
  return pages
}

describe('GET /api/reports pages', () => {
  it('caps the page (default 1,000, at most 5,000) and refuses more, naming the field', async () => {
    expect(ReportListQuery.parse({}).limit).toBe(REPORT_PAGE_DEFAULT)
    expect(REPORT_PAGE_DEFAULT).toBe(1000)
    const res = await t.json('GET', `/api/reports?limit=${REPORT_PAGE_MAX + 1}`)
    expect(res.status).toBe(422)
    expect(res.body.error.issues[0].field).toBe('limit')
    expect((await t.json('GET', '/api/reports?after=nope')).status).toBe(422)
  })

  it('follows `next` through every report exactly once, newest first, and ends with next null', async () => {
    const pages = await follow('/api/reports?hours=1&limit=3')
    expect(pages.map((p) => p.reports.length)).toEqual([3, 3, 3, 3, 2])
    expect(pages.at(-1)!.next).toBeNull()
    const ids = pages.flatMap((p) => p.reports.map((r) => r.id))
    expect(new Set(ids).size).toBe(14)
    expect([...ids].sort()).toEqual([...alfa, ...beta].sort())
    const times = pages.flatMap((p) => p.reports.map((r) => Date.parse(r.reported_at)))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    // The link fixes the window's start, so it does not slide while paging.
    expect(pages[0]!.next).toMatch(/since=.*&limit=3&after=/)
  })

  it('keeps each role to its scope on every page', async () => {
    const head = await follow('/api/reports?limit=2', as({ role: 'region_head', regionCodes: [BETA] }))
    expect(head.flatMap((p) => p.reports.map((r) => r.id)).sort()).toEqual([...beta].sort())
    const pupr = await follow('/api/reports?limit=4', as({ role: 'agency_staff', agencyCode: 'pupr' }))
    expect(pupr.flatMap((p) => p.reports.map((r) => r.id)).sort()).toEqual([...alfa].sort())
  })

  it('the wall\'s loader (web/src/lib/api.ts getAllPages) gets every report across pages, with the first page\'s seq', async () => {
    const fetchSpy = vi.fn((path: string) => t.app.request(path))
    vi.stubGlobal('fetch', fetchSpy)
    try {
      const all = await getAllPages<{ id: string }>('/api/reports?hours=24&limit=5')
      expect(all.reports.map((r) => r.id).sort()).toEqual([...alfa, ...beta].sort())
      expect(fetchSpy).toHaveBeenCalledTimes(3)
      expect(all.seq).toBeGreaterThan(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
