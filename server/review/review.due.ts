import type { ReviewWindow } from './review.schema.js'
import { wibDay, wibMidnight } from '../wib.js'

// Which periodic reports are due, and their file names: read by the schedule that writes them
// and by the mail that sends them (a file of its own, so neither imports the other).

const DAY = 86_400_000
const WIB = 7 * 3_600_000
/** Reports are made after 06:00 WIB: late entries of the night before are in. */
const READY_HOUR = 6

export interface DueReport {
  kind: 'daily' | 'weekly'
  window: ReviewWindow
  file: string
}

/**
 * The reports due at `now`: yesterday's (daily) and last Monday-to-Sunday's (weekly), both in
 * WIB, once it is past 06:00 WIB. Named by kind and dates, so a file already written is done.
 */
export function dueReports(kinds: ('daily' | 'weekly')[], now: Date): DueReport[] {
  const today = wibMidnight(now)
  if (now.getTime() - today.getTime() < READY_HOUR * 3_600_000) return []
  const out: DueReport[] = []
  const win = (from: Date, to: Date): ReviewWindow => ({ key: 'range', from, to, hotspots: { key: 'range', from, to } })
  if (kinds.includes('daily')) {
    const from = new Date(today.getTime() - DAY)
    out.push({ kind: 'daily', window: win(from, today), file: `sigap-harian-${wibDay(from)}.pdf` })
  }
  if (kinds.includes('weekly')) {
    // ISO weekday of today in WIB (Monday 1); the week before this one.
    const dow = ((new Date(today.getTime() + WIB).getUTCDay() + 6) % 7) + 1
    const thisMonday = new Date(today.getTime() - (dow - 1) * DAY)
    const from = new Date(thisMonday.getTime() - 7 * DAY)
    out.push({ kind: 'weekly', window: win(from, thisMonday), file: `sigap-mingguan-${wibDay(from)}_${wibDay(new Date(thisMonday.getTime() - DAY))}.pdf` })
  }
  return out
}
