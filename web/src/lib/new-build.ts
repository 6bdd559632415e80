const KEY = 'sigap.reloadedForBuild'
/** A page still on the old build after its reload is left alone for this long: no reload loop. */
const AGAIN_AFTER_MS = 10 * 60_000

/**
 * Reloads an unattended screen (the wall) into the build its server now serves, after a pause of
 * up to `spreadMs` so that a room of screens does not reload in one instant. At most once per
 * build per ten minutes: should the reloaded page still be the old one (a cache in between), it
 * carries on as it is rather than reload over and over.
 */
export function reloadIntoBuild(build: string, spreadMs = 5_000): void {
  try {
    const last = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as { build: string; at: number } | null
    if (last?.build === build && Date.now() - last.at < AGAIN_AFTER_MS) return
    sessionStorage.setItem(KEY, JSON.stringify({ build, at: Date.now() }))
  } catch {
    return // no session storage: no guard against a loop, so no reload
  }
  setTimeout(() => location.reload(), Math.random() * spreadMs)
}
