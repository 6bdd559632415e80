import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// Intake calls into incidents, locations, disputes and tickets; none of them may import intake
// back (issue 20: the step list made an import cycle of nine files), and no other cycle is left
// (what two files shared has a file of its own: http/field-issue, tickets/ticket.scope,
// tickets/ticket.change, review/review.due). Cycles are found from the server's import lines
// (type-only imports included: they tie the modules as much for a reader).

const root = join(import.meta.dirname, '..', 'server')

function importGraph(): Map<string, string[]> {
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, f))
  const g = new Map<string, string[]>()
  for (const f of files) {
    const deps = [...readFileSync(f, 'utf8').matchAll(/^import\s[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(f), m[1]!.replace(/\.js$/, '.ts')))
    g.set(f, deps)
  }
  return g
}

/** The strongly connected groups of more than one file (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let n = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const out: string[][] = []
  const visit = (v: string) => {
    index.set(v, n)
    low.set(v, n++)
    stack.push(v)
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = []
      let w: string
      do {
        w = stack.pop()!
        group.push(relative(root, w))
      } while (w !== v)
      if (group.length > 1) out.push(group.sort())
    }
  }
  for (const v of g.keys()) if (!index.has(v)) visit(v)
  return out
}

describe('server imports', () => {
  it('no import cycle passes through intake (server/reports)', () => {
    const throughReports = cycles(importGraph()).filter((c) => c.some((f) => f.startsWith('reports/')))
    expect(throughReports).toEqual([])
  })

  it('finds no import cycle anywhere in the server', () => {
    expect(cycles(importGraph())).toEqual([])
  })
})
