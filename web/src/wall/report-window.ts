import type { ReportLite } from '../lib/api'

/**
 * The wall shows the reports of the last 24 hours: the ones it loads (GET /api/reports?hours=24)
 * and the ones it keeps. A wall screen runs for days without a reload; reports arriving live are
 * added, and those that have left the window must go, or its pins and its "reports in 24 h"
 * count would grow without end (and differ from what a reloaded screen shows).
 */
export const REPORT_WINDOW_H = 24
const WINDOW_MS = REPORT_WINDOW_H * 3_600_000

export const inReportWindow = (r: ReportLite, now: number): boolean => Date.parse(r.reported_at) >= now - WINDOW_MS

/** Removes the reports reported before the window; true when any was removed. */
export function dropExpiredReports(reports: Map<string, ReportLite>, now: number): boolean {
  let dropped = false
  for (const [id, r] of reports) {
    if (inReportWindow(r, now)) continue
    reports.delete(id)
    dropped = true
  }
  return dropped
}
