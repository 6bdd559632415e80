import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadShippedCalendar, readCalendarFile, SHIPPED_CALENDAR } from '../server/holidays/holiday.calendar.js'
import { holidaysCommand } from '../server/holidays/holiday.cli.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA } from './helpers/tickets.js'

/**
 * The official holiday calendar (SKB tiga menteri) drives working-day SLA clocks: Lebaran, Nyepi,
 * Waisak, Imlek and the other moving holidays, and cuti bersama, stop the clock as weekends do.
 */
let t: TestApp
let admin: Record<string, string>
const wib = (s: string) => new Date(`${s}:00+07:00`)
const due = async (start: Date, minutes: number) =>
  (await sql<{ d: Date }>`SELECT sigap_sla_due(${start.toISOString()}::timestamptz, ${minutes}::int, true) AS d`.execute(t.db.db)).rows[0]!.d

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  admin = (await signIn(t, 'admin')).headers
  await loadShippedCalendar(t.db.db)
})
afterAll(() => t.close())

describe('the shipped calendar', () => {
  it('holds 2025-2027, each year with its decree, 2027 marked provisional', async () => {
    const years = await t.db.db.selectFrom('holiday_years').selectAll().orderBy('year').execute()
    expect(years.map((y) => [y.year, y.status, y.origin])).toEqual([
      [2025, 'official', 'shipped'],
      [2026, 'official', 'shipped'],
      [2027, 'provisional', 'shipped'],
    ])
    expect(years[0]!.decree).toMatch(/1017 Tahun 2024/)
    expect(years[0]!.decree).toMatch(/933 Tahun 2025/)
    expect(years[1]!.decree).toMatch(/1497 Tahun 2025/)
    const count = async (y: number, kind: string) =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM holidays WHERE extract(year FROM day) = ${y} AND kind = ${kind}`.execute(t.db.db)).rows[0]!.n)
    // 2025: 17 national holidays (Idul Fitri counts two days), 10 + 1 (18 Aug) cuti bersama; 2026: 17 + 8.
    expect([await count(2025, 'libur_nasional'), await count(2025, 'cuti_bersama')]).toEqual([17, 11])
    expect([await count(2026, 'libur_nasional'), await count(2026, 'cuti_bersama')]).toEqual([17, 8])
    const cat = await t.json('GET', '/api/catalogue')
    expect(cat.body.holidays).toContainEqual({ day: '2026-03-18', name: expect.stringMatching(/Nyepi/), kind: 'cuti_bersama' })
    expect(cat.body.holiday_years).toHaveLength(3)
  })

  it('is loaded once: a year an admin corrected is not overwritten at the next start', async () => {
    await t.json('DELETE', '/api/catalogue/holidays/2027-01-05', undefined, admin)
    expect(await loadShippedCalendar(t.db.db)).toEqual([])
    expect(await t.db.db.selectFrom('holidays').select('day').where('day', '=', '2027-01-05').executeTakeFirst()).toBeUndefined()
    await t.json('PUT', '/api/catalogue/holidays', { day: '2027-01-05', name: 'Isra Mikraj Nabi Muhammad SAW (perkiraan)' }, admin)
  })
})

describe('working-day clocks skip every holiday of the decree', () => {
  // A ticket received at 10:00 WIB on the holiday: its clock starts on the next working day.
  // Each holiday is taken in a year where it falls on a weekday (on a weekend it changes nothing).
  const cases: [string, string, string][] = [
    ['Isra Mikraj 2025 (with Imlek and its cuti bersama after it)', '2025-01-27', '2025-01-30'],
    ['Isra Mikraj 2026', '2026-01-16', '2026-01-19'],
    ['Imlek 2025', '2025-01-29', '2025-01-30'],
    ['Imlek 2026', '2026-02-17', '2026-02-18'],
    ['cuti bersama Imlek 2026', '2026-02-16', '2026-02-18'],
    ['Nyepi 2026 (Lebaran follows)', '2026-03-19', '2026-03-25'],
    ['cuti bersama Nyepi 2025', '2025-03-28', '2025-04-08'],
    ['Idul Fitri 2025 with its cuti bersama', '2025-03-31', '2025-04-08'],
    ['cuti bersama Idul Fitri 2026 (Friday, then the two days of Lebaran and two more)', '2026-03-20', '2026-03-25'],
    ['cuti bersama Idul Fitri 2026 after the weekend', '2026-03-24', '2026-03-25'],
    ['Wafat Yesus Kristus 2026', '2026-04-03', '2026-04-06'],
    ['Waisak 2025 and its cuti bersama', '2025-05-12', '2025-05-14'],
    ['Kenaikan Yesus Kristus 2026 and its cuti bersama', '2026-05-14', '2026-05-18'],
    ['Idul Adha 2025', '2025-06-06', '2025-06-10'],
    ['Idul Adha 2026 and its cuti bersama', '2026-05-27', '2026-05-29'],
    ['1 Muharam 2025', '2025-06-27', '2025-06-30'],
    ['1 Muharam 2026', '2026-06-16', '2026-06-17'],
    ['cuti bersama HUT RI ke-80 (2025)', '2025-08-18', '2025-08-19'],
    ['Maulid Nabi 2025', '2025-09-05', '2025-09-08'],
    ['Maulid Nabi 2026', '2026-08-25', '2026-08-26'],
    ['cuti bersama Natal 2026', '2026-12-24', '2026-12-28'],
  ]
  it.each(cases)('%s (%s): the clock starts on %s', async (_name, holiday, next) => {
    expect(await due(wib(`${holiday}T10:00`), 60)).toEqual(wib(`${next}T01:00`))
  })

  it('3 working days from Wednesday 18 March 2026 (cuti bersama Nyepi, then Nyepi and Lebaran) end with Friday 27 March', async () => {
    expect(await due(wib('2026-03-18T10:00'), 3 * 1440)).toEqual(wib('2026-03-28T00:00'))
    // A ticket of a working-day category opened then (the function intake and routing use).
    const r = await sql<{ response_due_at: Date; resolve_due_at: Date }>`
      SELECT response_due_at, resolve_due_at FROM sigap_ticket_routing('jalan_rusak', ${ALFA}, ${wib('2026-03-18T10:00').toISOString()}::timestamptz)`.execute(t.db.db)
    expect(r.rows[0]!.response_due_at).toEqual(wib('2026-03-28T00:00'))
    // 10 working days: 25-27 Mar, 30 Mar-2 Apr, then Wafat Yesus Kristus (Fri 3 Apr), 6-8 Apr.
    expect(r.rows[0]!.resolve_due_at).toEqual(wib('2026-04-09T00:00'))
  })
})

describe('every holiday that moves with a lunar or lunisolar calendar is in 2025 and 2026', () => {
  // Some fall on a weekend (Nyepi 2025, Waisak 2026), where they move no clock: each must be in
  // the table all the same, dated as the decree has it.
  const lunar: [string, RegExp, string, string][] = [
    ['Imlek', /Imlek/, '2025-01-29', '2026-02-17'],
    ['Isra Mikraj', /Isra Mikraj/, '2025-01-27', '2026-01-16'],
    ['Nyepi', /^Hari Suci Nyepi/, '2025-03-29', '2026-03-19'],
    ['Idul Fitri', /^Idul Fitri/, '2025-03-31', '2026-03-21'],
    ['Waisak', /^Hari Raya Waisak/, '2025-05-12', '2026-05-31'],
    ['Idul Adha', /^Idul Adha/, '2025-06-06', '2026-05-27'],
    ['1 Muharam', /^1 Muharam/, '2025-06-27', '2026-06-16'],
    ['Maulid Nabi', /^Maulid Nabi/, '2025-09-05', '2026-08-25'],
  ]
  it.each(lunar)('%s', async (_name, pattern, d2025, d2026) => {
    const rows = (await sql<{ day: string; name: string; kind: string }>`
      SELECT day::text AS day, name, kind FROM holidays WHERE day BETWEEN '2025-01-01' AND '2026-12-31' AND kind = 'libur_nasional' ORDER BY day`.execute(t.db.db)).rows
    expect(rows.filter((r) => pattern.test(r.name)).map((r) => r.day)[0]).toBe(d2025)
    expect(rows.filter((r) => pattern.test(r.name) && r.day >= '2026-01-01').map((r) => r.day)[0]).toBe(d2026)
  })

  it('with the cuti bersama of the decrees (2025: 11 days, 2026: 8)', async () => {
    const cuti = (await sql<{ day: string }>`SELECT day::text AS day FROM holidays WHERE kind = 'cuti_bersama' AND day BETWEEN '2026-01-01' AND '2026-12-31' ORDER BY day`.execute(t.db.db)).rows
    expect(cuti.map((r) => r.day)).toEqual(['2026-02-16', '2026-03-18', '2026-03-20', '2026-03-23', '2026-03-24', '2026-05-15', '2026-05-28', '2026-12-24'])
  })
})

describe('admins import and edit later years', () => {
  const year2028 = {
    years: [
      {
        year: 2028,
        decree: 'SKB Nomor 1 Tahun 2027 (contoh)',
        days: [
          { day: '2028-01-26', kind: 'libur_nasional', name: 'Tahun Baru Imlek 2579 Kongzili' },
          { day: '2028-01-27', kind: 'cuti_bersama', name: 'Cuti bersama Tahun Baru Imlek' },
        ],
      },
    ],
  }
  const days2028 = async () =>
    (await sql<{ day: string; kind: string }>`SELECT day::text AS day, kind FROM holidays WHERE day >= '2028-01-01' AND day < '2029-01-01' ORDER BY day`.execute(t.db.db)).rows

  it('lets only an admin import a year through the API; a bad file changes nothing and names the field', async () => {
    expect((await t.json('POST', '/api/catalogue/holidays/import', year2028)).status).toBe(403)
    expect((await t.json('POST', '/api/catalogue/holidays/import', year2028, (await signIn(t, 'operator')).headers)).status).toBe(403)
    const before = await days2028()
    const bad = await t.json(
      'POST',
      '/api/catalogue/holidays/import',
      { years: [{ ...year2028.years[0], days: [...year2028.years[0]!.days, { day: '2029-01-01', name: 'x' }] }] },
      admin,
    )
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('years.0.days.2.day')
    expect(await days2028()).toEqual(before)

    const ok = await t.json('POST', '/api/catalogue/holidays/import', year2028, admin)
    expect(ok.status).toBe(200)
    expect(ok.body.years).toEqual([{ year: 2028, status: 'official', days: 2 }])
    expect(await days2028()).toEqual([
      { day: '2028-01-26', kind: 'libur_nasional' },
      { day: '2028-01-27', kind: 'cuti_bersama' },
    ])
    // The fixed-date holidays the first migration seeded for 2028 were replaced by the decree's list.
    expect(await due(wib('2028-01-26T10:00'), 60)).toEqual(wib('2028-01-28T01:00'))
    // Importing again is harmless; a corrected decree moves a date.
    const moved = { years: [{ ...year2028.years[0]!, days: [{ day: '2028-01-25', kind: 'cuti_bersama', name: 'Cuti bersama Imlek' }, year2028.years[0]!.days[0]!] }] }
    expect((await t.json('POST', '/api/catalogue/holidays/import', moved, admin)).status).toBe(200)
    expect((await days2028()).map((d) => d.day)).toEqual(['2028-01-25', '2028-01-26'])
    const y = await t.db.db.selectFrom('holiday_years').selectAll().where('year', '=', 2028).executeTakeFirstOrThrow()
    expect(y).toMatchObject({ origin: 'import', status: 'official', decree: 'SKB Nomor 1 Tahun 2027 (contoh)' })
  })

  it('imports a file from the command line, and refuses a broken one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigap-holidays-'))
    const file = join(dir, '2029.json')
    writeFileSync(file, JSON.stringify({ years: [{ year: 2029, status: 'provisional', decree: 'perkiraan', days: [{ day: '2029-02-13', name: 'Imlek' }] }] }))
    const logs: string[] = []
    const orig = console.log
    console.log = (m: string) => logs.push(m)
    try {
      expect(await holidaysCommand(t.db, 'import', file, {})).toBe(0)
    } finally {
      console.log = orig
    }
    expect(logs).toEqual(['2029: 1 days (provisional)'])
    expect(await due(wib('2029-02-13T10:00'), 60)).toEqual(wib('2029-02-14T01:00'))
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, JSON.stringify({ years: [{ year: 2029, decree: 'x', days: [] }] }))
    const err = console.error
    console.error = () => {}
    try {
      expect(await holidaysCommand(t.db, 'import', broken, {})).toBe(1)
    } finally {
      console.error = err
    }
    expect(await due(wib('2029-02-13T10:00'), 60)).toEqual(wib('2029-02-14T01:00'))
  })

  it('the shipped file itself is valid and its years are the decree years', () => {
    const cal = readCalendarFile(SHIPPED_CALENDAR)
    expect(cal.years.map((y) => y.year)).toEqual([2025, 2026, 2027])
    expect(JSON.parse(readFileSync(SHIPPED_CALENDAR, 'utf8')).about).toMatch(/SLA/)
  })
})
