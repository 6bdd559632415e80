import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { HolidayCalendar, type HolidayYear } from './holiday.schema.js'

/** The calendar shipped with sigap: SKB tiga menteri, one block per year, with its decree. */
export const SHIPPED_CALENDAR = join(dirname(fileURLToPath(import.meta.url)), 'indonesia.json')

export function readCalendarFile(file: string): HolidayCalendar {
  const parsed = HolidayCalendar.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) {
    const first = parsed.error.issues[0]
    throw new Error(`${file}: ${first?.path.join('.')}: ${first?.message}`)
  }
  return parsed.data
}

export interface LoadedYear {
  year: number
  status: HolidayYear['status']
  days: number
}

/**
 * Puts whole years into the holidays table: each year's days replace the days the table held
 * for that year (a corrected decree drops a moved date), and `holiday_years` records its
 * decree. In the caller's transaction when given one.
 */
export async function importYears(db: Kysely<Database>, years: HolidayYear[], origin: 'shipped' | 'import'): Promise<LoadedYear[]> {
  const out: LoadedYear[] = []
  for (const y of years) {
    await db
      .deleteFrom('holidays')
      .where('day', '>=', `${y.year}-01-01`)
      .where('day', '<=', `${y.year}-12-31`)
      .execute()
    await db
      .insertInto('holidays')
      .values(y.days.map((d) => ({ day: d.day, name: d.name, kind: d.kind, source: y.decree })))
      .execute()
    await db
      .insertInto('holiday_years')
      .values({ year: y.year, status: y.status, decree: y.decree, origin })
      .onConflict((oc) =>
        oc.column('year').doUpdateSet({ status: y.status, decree: y.decree, origin, loaded_at: new Date() }),
      )
      .execute()
    out.push({ year: y.year, status: y.status, days: y.days.length })
  }
  return out
}

/**
 * Loads the shipped years this database has no record of (a new install, or a sigap upgrade
 * that ships a new year). Years already recorded are left alone: an admin may have corrected
 * them. Returns the years loaded.
 */
export async function loadShippedCalendar(db: Kysely<Database>, file = SHIPPED_CALENDAR): Promise<LoadedYear[]> {
  const cal = readCalendarFile(file)
  return db.transaction().execute(async (trx) => {
    const known = new Set((await trx.selectFrom('holiday_years').select('year').execute()).map((r) => r.year))
    return importYears(trx, cal.years.filter((y) => !known.has(y.year)), 'shipped')
  })
}
