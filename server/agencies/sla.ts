/**
 * SLA due times. On the clock: start + minutes. On working days (SP4N-LAPOR! style): only
 * time on working days counts, days being WIB (UTC+7, no daylight saving) calendar days
 * without Saturdays, Sundays and the given holidays. "3 working days" from Friday 16:00 WIB
 * is therefore Wednesday 16:00 WIB.
 */
const DAY_MS = 86_400_000
const WIB_OFFSET_MS = 7 * 3_600_000

/** The WIB calendar date (YYYY-MM-DD) of an instant. */
export function wibDate(t: Date | number): string {
  return new Date((typeof t === 'number' ? t : t.getTime()) + WIB_OFFSET_MS).toISOString().slice(0, 10)
}

export function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay()
  return dow !== 0 && dow !== 6 && !holidays.has(date)
}

export function addSlaMinutes(start: Date, minutes: number, workingDays: boolean, holidays: ReadonlySet<string> = new Set()): Date {
  if (!workingDays) return new Date(start.getTime() + minutes * 60_000)
  let t = start.getTime()
  let remaining = minutes * 60_000
  // Bounded: even a year of holidays cannot make this loop long.
  for (let i = 0; i < 3660; i++) {
    const nextMidnight = Math.floor((t + WIB_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - WIB_OFFSET_MS
    if (isWorkingDay(wibDate(t), holidays)) {
      if (remaining <= nextMidnight - t) return new Date(t + remaining)
      remaining -= nextMidnight - t
    }
    t = nextMidnight
  }
  throw new Error('SLA due time is more than ten years away')
}

/** How many calendar days of holidays to load to be sure to cover an SLA. */
export function holidayHorizonDays(minutes: number): number {
  return Math.ceil(minutes / 1440) * 3 + 30
}
