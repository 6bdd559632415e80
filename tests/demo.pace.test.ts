import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../server/config.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { LONGEST_COURSE_H, LONGEST_DISPUTE_H, settleDueDisputes, workDueTickets } from '../server/demo/demo.agencies.js'
import { replayDemoWeek } from '../server/demo/demo.history.js'
import { hourWib, rateAt } from '../server/demo/demo.rhythm.js'
import { DemoSimulator } from '../server/demo/demo.simulator.js'
import { createTestApp, type TestApp } from './helpers/app.js'

const DAY = 86_400_000
let t: TestApp
let sim: DemoSimulator
// The week ends at the last noon WIB, not at the moment the test runs: the seeded simulator then
// lays out the same week whatever the hour (a run at night once drew two bursts into 00-04 WIB).
const now = lastNoonWib(Date.now())
function lastNoonWib(t: number): Date {
  const noon = Math.floor((t + 7 * 3_600_000) / DAY) * DAY + 5 * 3_600_000
  return new Date(noon <= t ? noon : noon - DAY)
}
let posted = 0
beforeAll(async () => {
  t = await createTestApp()
  await seedDemoArea(t.db.db)
  sim = new DemoSimulator(t.db.db, {
    perDay: 40,
    seed: 7,
    post: async (input) => {
      const res = await t.json('POST', '/api/reports', input)
      if (res.status !== 201) throw new Error(`demo report refused: ${res.status}`)
    },
  })
  await sim.init()
  posted = await sim.backfill(undefined, 7, now.getTime())
  await replayDemoWeek(t.deps, now)
}, 120_000)
afterAll(() => t.close())

describe("the demo's pace", () => {
  it('defaults to a regency\'s daily pace; the steady high rate is a flag for load demos', () => {
    const c = loadConfig({ SIGAP_LOG: 'silent' })
    expect(c.SIGAP_DEMO_PER_DAY).toBe(40)
    expect(c.SIGAP_DEMO_RATE).toBeUndefined()
    expect(loadConfig({ SIGAP_DEMO_RATE: '0.5' }).SIGAP_DEMO_RATE).toBe(0.5)
    expect(() => loadConfig({ SIGAP_DEMO_PER_DAY: '-1' })).toThrow(/SIGAP_DEMO_PER_DAY/)
  })

  it('comes more by day than by night, at about the daily total', () => {
    const at = (hWib: number) => Date.UTC(2026, 11, 1, hWib - 7)
    expect(rateAt(40, at(9))).toBeGreaterThan(5 * rateAt(40, at(2)))
    let sum = 0
    for (let h = 0; h < 24; h++) sum += rateAt(40, at(h)) * 3600
    expect(sum).toBeCloseTo(40, 5)
  })

  it('backfills the week at the live pace, by day more than by night, with bursts of one kind in one place', async () => {
    const rows = await t.db.db.selectFrom('reports').select(['reported_at', 'category_code']).execute()
    expect(rows.length).toBe(posted)
    // 40 a day for 7 days, plus bursts: not the 43,000 a day of a load demo.
    expect(posted).toBeGreaterThan(7 * 40 * 0.9)
    expect(posted).toBeLessThan(7 * 40 * 1.6)
    for (let d = 1; d < 7; d++) {
      const n = rows.filter((r) => now.getTime() - r.reported_at.getTime() >= (d - 1) * DAY && now.getTime() - r.reported_at.getTime() < d * DAY).length
      expect(n, `day -${d}`).toBeGreaterThan(15)
      expect(n, `day -${d}`).toBeLessThan(110)
    }
    const hour = (h: number[]) => rows.filter((r) => h.includes(hourWib(r.reported_at.getTime()))).length
    expect(hour([8, 9, 10, 11])).toBeGreaterThan(3 * hour([0, 1, 2, 3]))
  })

  it('leaves about a day of work open, not the whole week', async () => {
    const open = await t.db.db.selectFrom('incidents').select(['id']).where('merged_into', 'is', null).where('status', 'in', ['new', 'verified', 'dispatched', 'in_progress']).execute()
    expect(open.length).toBeGreaterThan(3)
    expect(open.length).toBeLessThan(2 * 40)
    // Disputes: each is settled within four days of opening (most within a day), so what is
    // still open is the recent part of the week, never the whole week. The count of disputes a
    // day follows the random reports, so the test compares with the week's own total.
    const all = await t.db.db.selectFrom('location_disputes').select(['state', 'opened_at']).execute()
    const active = all.filter((d) => d.state === 'open' || d.state === 'proposed')
    expect(all.length).toBeGreaterThan(7)
    expect(active.length).toBeLessThan(all.length / 2)
    const stale = active.filter((d) => now.getTime() - d.opened_at.getTime() > 4 * DAY)
    expect(stale, 'disputes left open past four days').toEqual([])
  })

  it('has the agencies and the command room keep up with live reports too', async () => {
    const ids: string[] = []
    for (let i = 0; i < 12; i++) {
      const res = await t.json('POST', '/api/reports', sim.next())
      expect(res.status).toBe(201)
      ids.push(res.body.incident_id as string)
    }
    // Nothing is worked before its time...
    await workDueTickets(t.deps, new Date())
    const fresh = await t.db.db.selectFrom('incidents').select(['status']).where('id', 'in', ids).execute()
    expect(fresh.filter((x) => x.status === 'new').length).toBeGreaterThan(0)
    // ...and once the longest course (the slowest agency's, 4.45 days) and the longest dispute
    // (four days) are past, every one of them is done with, as are the disputes. (At a flat four
    // days one of twelve tickets, whose ids are random, was once still in progress.)
    const later = new Date(Date.now() + Math.max(LONGEST_COURSE_H, LONGEST_DISPUTE_H) * 3_600_000 + 60_000)
    await workDueTickets(t.deps, later)
    await settleDueDisputes(t.deps, later)
    const done = await t.db.db.selectFrom('incidents').select(['status']).where('id', 'in', ids).where('merged_into', 'is', null).execute()
    for (const d of done) expect(['resolved', 'rejected']).toContain(d.status)
    const active = await t.db.db.selectFrom('location_disputes').select(['id']).where('state', 'in', ['open', 'proposed']).execute()
    expect(active.length).toBe(0)
  })
})

describe('a seeded demo', () => {
  it('lays out the same places, kinds and words at any hour: only the times follow the clock', async () => {
    const lay = async (end: number) => {
      const out: unknown[] = []
      const s = new DemoSimulator(t.db.db, { seed: 3, post: async ({ external_id: _id, reported_at: _at, ...rest }) => void out.push(rest) })
      await s.init()
      await s.backfill(60, 0.9, end)
      return out
    }
    // 15:00 and 03:00 WIB: a window of mostly day and one of mostly night take different numbers of draws.
    const day = await lay(Date.UTC(2026, 11, 1, 8))
    const night = await lay(Date.UTC(2026, 11, 1, 20))
    expect(day.length).toBe(60)
    expect(night).toEqual(day)
  })
})
