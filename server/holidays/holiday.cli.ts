import type { Db } from '../db/connect.js'
import { migrate } from '../db/migrate.js'
import { importYears, readCalendarFile, SHIPPED_CALENDAR } from './holiday.calendar.js'

export const HOLIDAYS_USAGE = `  holidays import FILE.json                   load whole years of holidays (format of server/holidays/indonesia.json); each year replaces that year's days
  holidays import --shipped                   load the calendar shipped with sigap again (overwrites edits to those years)
  holidays list [--year YYYY]                 the loaded years with their decree, or one year's days`

/** `npm run sigap -- holidays ...`; returns the exit code. */
export async function holidaysCommand(db: Db, sub: string | undefined, arg: string | undefined, o: { year?: string | undefined; shipped?: boolean | undefined }): Promise<number> {
  await migrate(db.db)
  if (sub === 'import' && (arg || o.shipped)) {
    let cal
    try {
      cal = readCalendarFile(arg ?? SHIPPED_CALENDAR)
    } catch (err) {
      console.error(`holidays import: ${(err as Error).message}`)
      return 1
    }
    const loaded = await db.db.transaction().execute((trx) => importYears(trx, cal.years, o.shipped && !arg ? 'shipped' : 'import'))
    for (const y of loaded) console.log(`${y.year}: ${y.days} days (${y.status})`)
    return 0
  }
  if (sub === 'list') {
    if (o.year) {
      if (!/^\d{4}$/.test(o.year)) {
        console.error('--year is YYYY')
        return 2
      }
      const days = await db.db
        .selectFrom('holidays')
        .select(['day', 'kind', 'name'])
        .where('day', '>=', `${o.year}-01-01`)
        .where('day', '<=', `${o.year}-12-31`)
        .orderBy('day')
        .execute()
      for (const d of days) console.log(`${String(d.day).slice(0, 10)}  ${d.kind.padEnd(14)}  ${d.name}`)
      return 0
    }
    const years = await db.db.selectFrom('holiday_years').selectAll().orderBy('year').execute()
    for (const y of years) console.log(`${y.year}  ${y.status.padEnd(11)}  ${y.origin.padEnd(7)}  ${y.decree}`)
    if (!years.length) console.log('no calendar years loaded yet (the server loads the shipped calendar when it starts)')
    return 0
  }
  console.error(`usage:\n${HOLIDAYS_USAGE}`)
  return 2
}
