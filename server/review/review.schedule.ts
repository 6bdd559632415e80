import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Deps } from '../http/context.js'
import { reportPdf } from './review.pdf.js'
import { pdfMarks, shapesForMap } from './review.routes.js'
import { buildReview } from './review.service.js'
import { dueReports } from './review.due.js'
import { mailDueReports } from './review.mail.js'

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
