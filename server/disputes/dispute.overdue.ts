import type { Deps } from '../http/context.js'
import { flagOverdueDisputes } from './dispute.service.js'

/** How often undecided disputes are looked at; overdue is computed on read anyway, this only pushes it. */
const EVERY_MS = 60_000

/**
 * Pushes `dispute.overdue` once for each dispute that passes SIGAP_DISPUTE_OVERDUE_HOURS
 * undecided, so open screens turn it red without reloading. Several servers on one database
 * share the work (the rows are taken with SKIP LOCKED and flagged once).
 */
export function startDisputeOverdueCheck(deps: Deps, everyMs = EVERY_MS): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = flagOverdueDisputes(deps).catch((err: Error) => deps.log.error(`dispute overdue check failed: ${err.message}`))
  }, everyMs)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
