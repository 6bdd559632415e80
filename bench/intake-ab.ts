import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { intakeBody } from './intake-load.js'
import { freshDb, inRounds, jsonPoster, killGroup, type Way } from './lib.js'

// Intake over HTTP from two checkouts of sigap, measured in alternating rounds (inRounds): one
// change against the code before it, in the same minutes. On this shared machine one version's
// rate moved from 620 to 960 reports/s between runs minutes apart, more than most changes move
// it, so two versions measured one after the other tell nothing. Not a benchmark (no baseline
// of its own): a tool for deciding whether a change to intake pays.
//   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
//   DATABASE_URL=postgres://… npx tsx bench/intake-ab.ts /tmp/before . [REPORTS] [ROUNDS]
// Each checkout's bench/intake-server.ts serves a database of its own (the demo area), both up
// throughout; each round posts REPORTS/ROUNDS reports to one, then the other, 16 at a time.

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL is not set')
const [a, b, reports = '12000', rounds = '8'] = process.argv.slice(2)
if (!a || !b) throw new Error('usage: intake-ab.ts CHECKOUT_A CHECKOUT_B [REPORTS] [ROUNDS]')

async function serve(checkout: string, k: number): Promise<{ way: Way; close(): Promise<void> }> {
  const fresh = await freshDb({ databaseUrl: url!, log: () => {} }, `ab${k}`)
  await seedDemoArea(fresh.db.db)
  const port = 19_500 + k + (process.pid % 300) * 2
  // The mark tells the two servers' CPU apart (cpuSeconds reads their command lines).
  const mark = `intake-ab-server-${k}`
  const child = spawn('node', ['--import', 'tsx', 'bench/intake-server.ts', mark], {
    env: { ...process.env, DATABASE_URL: fresh.url, PORT: String(port), SIGAP_LOG: 'error' },
    cwd: checkout,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  })
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => /sigap is serving/.test(d.toString()) && ok())
    child.once('exit', (code) => fail(new Error(`${checkout}: the server exited (${code})`)))
  })
  const client = jsonPoster(`http://127.0.0.1:${port}`, 16)
  // Each server its own reports: they land on different databases, but alike.
  const offset = k * 10_000_000
  return {
    way: {
      mark,
      concurrency: 16,
      task: async (i) => {
        const status = await client.post('/api/reports', intakeBody(offset + i))
        if (status !== 201) throw new Error(`${checkout}: answered ${status}`)
      },
    },
    close: async () => {
      client.close()
      await new Promise<void>((done) => {
        child.once('exit', () => done())
        killGroup(child)
      })
      await fresh.close()
    },
  }
}

const servers = [await serve(resolve(a), 0), await serve(resolve(b), 1)]
try {
  const m = await inRounds({ a: servers[0]!.way, b: servers[1]!.way }, Number(reports), Number(rounds))
  for (const [name, dir] of [['a', a], ['b', b]] as const) {
    const { rate, cpuMs } = m[name]
    console.log(`${name} ${dir}: ${rate.toFixed(0)} reports/s; CPU a report: server ${cpuMs.server.toFixed(3)} ms, PostgreSQL ${cpuMs.postgres.toFixed(3)} ms, load generator ${cpuMs.self.toFixed(3)} ms`)
  }
  console.log(`b against a: ${(m.b.rate / m.a.rate).toFixed(3)}x the rate`)
} finally {
  for (const s of servers) await s.close()
}
process.exit(0)
