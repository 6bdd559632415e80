import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { webBuildOf } from '../server/http/web-build.js'
import { webDist } from '../server/server.js'
import { testConfig } from './helpers/app.js'

const WEB_DIST = webDist(testConfig())

// A wall left running across a deploy compares the build its server serves with its own.
describe('webBuildOf', () => {
  it("reads the entry script of Vite's index.html, the name that changes with every build of the screens", () => {
    const html = `<head><script type="module" crossorigin src="/assets/index-Cd2zahtJ.js"></script>
      <link rel="stylesheet" crossorigin href="/assets/index-DDT5bojh.css"></head>`
    expect(webBuildOf(html)).toBe('/assets/index-Cd2zahtJ.js')
  })

  it('is null for a page without a module script (not a build)', () => {
    expect(webBuildOf('<html><script src="/x.js"></script></html>')).toBeNull()
  })

  it.skipIf(!existsSync(join(WEB_DIST, 'index.html')))('finds the entry of the screens this checkout built (`npm run build`)', () => {
    const build = webBuildOf(readFileSync(join(WEB_DIST, 'index.html'), 'utf8'))
    expect(build).toMatch(/^\/assets\/index-[\w-]+\.js$/)
    expect(existsSync(join(WEB_DIST, build!))).toBe(true)
  })
})
