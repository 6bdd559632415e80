import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { intakeBody as body } from './intake-load.js'
import { cpuSeconds, freshDb, jsonPoster, killGroup, throughput } from './lib.js'

// Where the intake server's own CPU goes: runs bench/intake-server.ts under `node --cpu-prof`,
// posts reports as bench/intake.bench.ts does (16 at a time, after a warm-up), and prints the
// functions with the most self time and the server's CPU per report. Not a benchmark (no
// baseline): a tool for finding what to remove.
//   DATABASE_URL=postgres://… npx tsx bench/intake-profile.ts [REPORTS] [cpu|wall]
// With `cpu` or `wall`, strace counts the server's system calls while the measured reports are
// posted, with their CPU time or their wall time (strace -w). The profile counts wall time in a
// native call as that call's: `writev` showed a quarter of the server's time, yet its CPU was a
// tenth of its wall time (the rest: the writer preempted by the process it woke). strace slows
// the server, so the figures of that run are for the calls, not for the rate.

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is not set')
const N = Number(process.argv[2] ?? 2000)
const strace = process.argv[3]
if (strace !== undefined && strace !== 'cpu' && strace !== 'wall') throw new Error('the second argument is cpu or wall (strace counting system time or wall time)')
const fresh = await freshDb({ databaseUrl: url, log: console.log }, 'profile')
await seedDemoArea(fresh.db.db)
const dir = mkdtempSync(join(tmpdir(), 'sigap-prof-'))
const port = 19_000 + (process.pid % 1000)
const child = spawn('node', ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'bench/intake-server.ts', 'intake-profile-server'], {
  env: { ...process.env, DATABASE_URL: fresh.url, PORT: String(port), SIGAP_LOG: 'error' },
  cwd: join(import.meta.dirname, '..'),
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
})
await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => /sigap is serving/.test(d.toString()) && resolve()))
const client = jsonPoster(`http://127.0.0.1:${port}`, 16)
const post = async (i: number) => {
  const s = await client.post('/api/reports', body(i))
  if (s !== 201) throw new Error(`answered ${s}`)
}
await throughput(N, 16, post) // warm-up
// PostgreSQL's CPU counted twice: all its processes (as the benches do), and only the backends
// connected to this run's database, which other sessions on a shared machine do not touch.
const admin = new pg.Client({ connectionString: fresh.url })
await admin.connect()
const ownTicks = async () => {
  const pids = (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows
  const ticks = new Map<number, number>()
  for (const { pid } of pids) {
    const f = (() => { try { return readFileSync(`/proc/${pid}/stat`, 'utf8') } catch { return '' } })().split(') ')[1]?.split(' ')
    if (f) ticks.set(pid, Number(f[11]) + Number(f[12]))
  }
  return ticks
}
const tracer = strace ? spawn('strace', ['-c', ...(strace === 'wall' ? ['-w'] : []), '-f', '-p', String(child.pid)], { stdio: ['ignore', 'inherit', 'inherit'] }) : null
if (tracer) await new Promise((resolve) => setTimeout(resolve, 1000)) // attached to every thread
const own0 = await ownTicks()
const before = cpuSeconds('intake-profile-server')
const measuredFrom = performance.now()
const rate = await throughput(N, 16, (i) => post(N + i))
const after = cpuSeconds('intake-profile-server')
const own1 = await ownTicks()
if (tracer) {
  tracer.kill('SIGINT')
  await new Promise((resolve) => tracer.once('exit', resolve))
}
let own = 0
for (const [pid, t] of own1) own += t - (own0.get(pid) ?? 0)
await admin.end()
const measuredS = (performance.now() - measuredFrom) / 1000
console.log(`${rate.toFixed(0)} reports/s; server CPU ${(((after.server - before.server) * 1000) / N).toFixed(3)} ms/report, PostgreSQL ${(((after.postgres - before.postgres) * 1000) / N).toFixed(3)} ms/report (this run's database alone: ${((own * 10) / N).toFixed(3)} ms, at 100 ticks a second)`)
client.close()
await new Promise<void>((resolve) => {
  child.once('exit', () => resolve())
  killGroup(child)
})
await fresh.close()

// Self time by function and by package, of the samples taken while the measured reports were
// posted (the server's start and the warm-up left out: they end before it).
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; endTime: number; startTime: number }
const nodes = new Map(prof.nodes.map((n) => [n.id, n]))
const from = prof.endTime - (measuredS + 2) * 1e6 // the 2 s: from the last report to the profile's end
const byFn = new Map<string, number>()
const byPackage = new Map<string, number>()
// Inclusive time: a sample counts once for every function on its stack (which callers the self
// time above belongs to, when it is spread thin over many small functions).
const parent = new Map<number, number>()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(server|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`
const inclusive = new Map<string, number>()
let total = 0
let at = prof.startTime
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] ?? 0
  at += dt
  const n = nodes.get(id)!
  if (at < from || n.callFrame.functionName === '(idle)') return
  total += dt
  const url = n.callFrame.url
  const where = `${n.callFrame.functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(server|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`
  byFn.set(where, (byFn.get(where) ?? 0) + dt)
  const pkg = url.includes('node_modules/') ? url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1') : url.includes('/server/') ? url.replace(/^.*\/server\//, 'server/') : url.startsWith('node:') ? 'node' : n.callFrame.functionName || '(native)'
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + dt)
  const seen = new Set<string>()
  for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) seen.add(label(nodes.get(up)!))
  for (const f of seen) inclusive.set(f, (inclusive.get(f) ?? 0) + dt)
})
console.log(`profile: ${(total / 1000).toFixed(0)} ms busy for ${N} reports (${(total / 1000 / N).toFixed(3)} ms each)`)
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([f, t]) => console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${f}`))
top(byFn, Number(process.env.TOP ?? 40))
console.log('-- by package or file')
top(byPackage, 30)
console.log('-- inclusive (a function and all it calls)')
top(inclusive, Number(process.env.TOP ?? 40) * 2)
process.exit(0)
