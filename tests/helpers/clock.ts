import { wibMidnight } from '../../server/wib.js'

const MIN = 60_000
const DAY = 24 * 60 * MIN

/**
 * Waits out the minutes around midnight WIB, when the wall's and the review's "today" turns
 * over: a test that makes tickets "today" and reads them back as today's must not straddle it
 * (the wall scenes test failed in CI at 00:00 WIB, its ticket made "4 minutes ago" falling on
 * yesterday). `before`: minutes the test needs before midnight; `after`: minutes its data
 * reaches back. Resolves at once on every other minute of the day.
 */
export async function clearOfWibMidnight(before: number, after: number): Promise<void> {
  const now = Date.now()
  const until = clearAt(now, before, after)
  if (until <= now) return
  console.info(`waiting ${Math.ceil((until - now) / 1000)} s for midnight WIB to pass: the test's "today" must be one day`)
  await new Promise((r) => setTimeout(r, until - now))
}

/** When (ms) the clock is clear of midnight WIB: `now` itself unless within the window. */
function clearAt(now: number, before: number, after: number): number {
  const last = wibMidnight(new Date(now)).getTime()
  if (now < last + after * MIN) return last + after * MIN
  if (now > last + DAY - before * MIN) return last + DAY + after * MIN
  return now
}

/** The longest clearOfWibMidnight can wait, to add to a hook's timeout. */
export const wibMidnightWaitMs = (before: number, after: number) => (before + after) * MIN + 1000
