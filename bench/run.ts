import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Bench, BenchFigure } from './lib.js'

// Runs every bench/*.bench.ts (or those named on the command line) against PostgreSQL and
// prints each figure beside its same-run baseline. `npm run bench` starts a local cluster.

const url = process.env.DATABASE_URL
if (!url) {
  console.error('bench: DATABASE_URL is not set (npm run bench starts a local PostgreSQL and sets it)')
  process.exit(2)
}
const only = process.argv.slice(2)
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()

const all: Record<string, BenchFigure[]> = {}
for (const file of files) {
  const mod = (await import(join(import.meta.dirname, file))) as { default: Bench }
  const bench = mod.default
  console.log(`\n== ${bench.name} (${file})`)
  const t0 = Date.now()
  const figures = await bench.run({ databaseUrl: url, log: (m) => console.log(`   ${m}`) })
  all[bench.name] = figures
  for (const f of figures) {
    const base = f.baseline ? `  vs ${f.baseline.name} ${fmt(f.baseline.value)} ${f.baseline.unit}` : ''
    const ratio = f.ratio !== undefined ? `  ratio ${f.ratio.toFixed(2)}` : ''
    console.log(`   ${f.name}: ${fmt(f.value)} ${f.unit}${base}${ratio}${f.note ? `  (${f.note})` : ''}`)
  }
  console.log(`   (${((Date.now() - t0) / 1000).toFixed(1)} s)`)
}
const dir = join(import.meta.dirname, 'results')
mkdirSync(dir, { recursive: true })
writeFileSync(join(dir, 'latest.json'), JSON.stringify({ at: new Date().toISOString(), results: all }, null, 2))
process.exit(0)

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)
}
