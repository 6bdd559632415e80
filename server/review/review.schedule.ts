import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Deps } from '../http/context.js'
import { reportPdf } from './review.pdf.js'
import { pdfMarks, shapesForMap } from './review.routes.js'
import type { ReviewWindow } from './review.schema.js'
import { buildReview } from './review.service.js'
import { wibDay, wibMidnight } from '../wib.js'
import { mailDueReports } from './review.mail.js'

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

/** Writes the due reports not yet in `dir` (temp file, then rename: a reader never sees half a PDF). */
export async function deliverDueReports(deps: Deps, dir: string, kinds: ('daily' | 'weekly')[], now = new Date()): Promise<string[]> {
  const written: string[] = []
  for (const r of dueReports(kinds, now)) {
    const path = join(dir, r.file)
    if (existsSync(path)) continue
    const [data, shapes] = await Promise.all([buildReview(deps, r.window, { rankingLimit: 5000 }), shapesForMap(deps)])
    const pdf = await reportPdf(data, shapes, 'id', pdfMarks(deps))
    mkdirSync(dir, { recursive: true })
    const tmp = `${path}.${process.pid}.tmp`
    writeFileSync(tmp, pdf)
    renameSync(tmp, path)
    written.push(path)
  }
  return written
}

/** Checks every ten minutes whether a scheduled report is due (SIGAP_REPORT_SCHEDULE), and mails it (SIGAP_REPORT_EMAIL_TO). */
export function startReportSchedule(deps: Deps): { stop(): void } | null {
  const schedule = deps.config.SIGAP_REPORT_SCHEDULE
  if (!schedule) return null
  const kinds = schedule.split(',') as ('daily' | 'weekly')[]
  const dir = deps.config.SIGAP_REPORT_DIR ?? join(deps.config.SIGAP_DATA_DIR, 'reports')
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      for (const f of await deliverDueReports(deps, dir, kinds)) deps.log.info(`periodic report written: ${f}`)
      // After the writing, so a report is mailed only once it is whole in the folder.
      for (const f of await mailDueReports(deps, dir, kinds)) deps.log.info(`periodic report mailed: ${f} (${deps.config.SIGAP_REPORT_EMAIL_TO?.length ?? 0} addresses)`)
    } catch (err) {
      deps.log.error(`periodic report not written: ${(err as Error).message}`)
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void run(), 10 * 60_000)
  timer.unref()
  void run()
  return { stop: () => clearInterval(timer) }
}
