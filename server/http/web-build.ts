/**
 * Which build of the screens an index.html loads: its entry script, whose name Vite hashes from
 * the code (`/assets/index-Cd2zahtJ.js`), so it changes exactly when the screens do. A screen
 * reads the same tag from the page it runs (web/src/lib/live.svelte.ts); null when the page has
 * none (not a Vite build).
 */
export function webBuildOf(indexHtml: string): string | null {
  const tag = /<script\b[^>]*\btype="module"[^>]*>/i.exec(indexHtml)?.[0]
  return (tag && /\bsrc="([^"]+)"/.exec(tag)?.[1]) ?? null
}
