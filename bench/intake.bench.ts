import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import WebSocket from 'ws'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { freshDb, inRounds, jsonPoster, killGroup, percentile, spawnServer, type Bench, type BenchFigure } from './lib.js'
import { intakeBody as body } from './intake-load.js'
import { createPlainTable, insertPlain } from './plain.js'

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const N = Math.max(200, Math.round(4000 * SCALE))
const CONCURRENCY = 16
const WS_CLIENTS = 200

/**
 * Intake throughput over HTTP vs plain INSERTs, with the HTTP floor between them; POST-to-event
 * latency at 200 sockets.
 */
async function intake(ctx: Parameters<Bench['run']>[0]): Promise<BenchFigure[]> {
  const fresh = await freshDb(ctx, 'intake')
  const figures: BenchFigure[] = []
  try {
    await seedDemoArea(fresh.db.db)
    // The servers run in their own processes, as deployed, so the load generator here does not
    // share their event loops.
    const port = 18_000 + (process.pid % 1000)
    // Two servers as shipped: the default number of intake workers (one on 2 cores) and two
    // (SIGAP_INTAKE_WORKERS=2, the default on 2 cores before 2026-12-06). The argument after the
    // script only marks each one's process, by which its CPU is told apart.
    const env = { DATABASE_URL: fresh.url, SIGAP_DEMO: '0', SIGAP_LOG: 'error' }
    const server = await spawnServer(['server/main.ts', 'intake-default-workers'], { ...env, PORT: String(port) })
    const twoWorkers = await spawnServer(['server/main.ts', 'intake-two-workers'], { ...env, PORT: String(port + 2), SIGAP_INTAKE_WORKERS: '2' })
    // Baseline: the same pg pool size, one autocommitted INSERT of a point into a GiST-indexed table.
    const pool = new pg.Pool({ connectionString: fresh.url, max: CONCURRENCY })
    await createPlainTable(pool)
    const floorServer = await spawnServer(['bench/plain-http-server.ts'], { DATABASE_URL: fresh.url, PORT: String(port + 1) })
    const sigap = jsonPoster(server.url, CONCURRENCY)
    const sigapTwo = jsonPoster(twoWorkers.url, CONCURRENCY)
    const floor = jsonPoster(floorServer.url, CONCURRENCY)
    try {
      const post = (client: typeof sigap, path: string) => async (i: number) => {
        const status = await client.post(path, body(i))
        if (status !== 201) throw new Error(`${path} answered ${status}`)
      }
      const m = await inRounds(
        {
          plain: {
            mark: '-',
            concurrency: CONCURRENCY,
            task: async (i) => {
              const b = body(i)
              await insertPlain(pool, b.description, b.location.lon, b.location.lat)
            },
          },
          single: { mark: 'plain-http-server', concurrency: CONCURRENCY, task: post(floor, '/plain') },
          batched: { mark: 'plain-http-server', concurrency: CONCURRENCY, task: post(floor, '/batched') },
          intake: { mark: 'intake-default-workers', concurrency: CONCURRENCY, task: post(sigap, '/api/reports') },
          intakeTwo: { mark: 'intake-two-workers', concurrency: CONCURRENCY, task: post(sigapTwo, '/api/reports') },
        },
        N,
      )
      const ms = (v: number) => v.toFixed(2)
      const plain = { name: 'plain INSERT into a GiST-indexed table', value: m.plain.rate, unit: 'rows/s' }
      figures.push({
        name: `intake over HTTP, ${CONCURRENCY} concurrent clients, ${N} reports`,
        value: m.intake.rate,
        unit: 'reports/s',
        baseline: plain,
        ratio: m.intake.rate / m.plain.rate,
        note:
          `aim >= 0.3; ${(m.intake.rate / m.batched.rate).toFixed(2)} of the batched HTTP floor below; CPU per report: server ${ms(m.intake.cpuMs.server)} ms, PostgreSQL ${ms(m.intake.cpuMs.postgres)} ms, ` +
          `load generator (node:http) ${ms(m.intake.cpuMs.self)} ms; per plain INSERT: PostgreSQL ${ms(m.plain.cpuMs.postgres)} ms, ` +
          `load generator (pg) ${ms(m.plain.cpuMs.self)} ms; all on the same 2 cores`,
      })
      figures.push({
        name: `the same, two intake workers (SIGAP_INTAKE_WORKERS=2)`,
        value: m.intakeTwo.rate,
        unit: 'reports/s',
        baseline: plain,
        ratio: m.intakeTwo.rate / m.plain.rate,
        note: `${(m.intakeTwo.rate / m.intake.rate).toFixed(2)}x the default's rate; CPU per report: server ${ms(m.intakeTwo.cpuMs.server)} ms, PostgreSQL ${ms(m.intakeTwo.cpuMs.postgres)} ms`,
      })
      for (const [how, w] of [['one INSERT a request', m.single], ['batched as intake batches', m.batched]] as const) {
        figures.push({
          name: `the HTTP floor: POST whose handler only stores the plain row, ${how} (bench/plain-http-server.ts), ${CONCURRENCY} concurrent clients, ${N} rows`,
          value: w.rate,
          unit: 'rows/s',
          baseline: plain,
          ratio: w.rate / m.plain.rate,
          note: `no intake over HTTP can be faster; CPU per row: server ${ms(w.cpuMs.server)} ms, PostgreSQL ${ms(w.cpuMs.postgres)} ms, load generator ${ms(w.cpuMs.self)} ms`,
        })
      }
    } finally {
      await pool.end()
      floor.close()
      sigapTwo.close()
      await Promise.all([floorServer.close(), twoWorkers.close()])
    }
    try {
      figures.push(await fanOutLatency(server.url))
    } finally {
      sigap.close()
      await server.close()
    }
  } finally {
    await fresh.close()
  }
  return figures
}

async function fanOutLatency(base: string): Promise<BenchFigure> {
  const wsUrl = base.replace(/^http/, 'ws') + '/ws'
  const arrivals = new Map<string, number[]>()
  const sockets = await Promise.all(
    Array.from({ length: WS_CLIENTS }, () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(wsUrl)
        ws.on('open', () => {
          ws.send(JSON.stringify({ type: 'subscribe' }))
          resolve(ws)
        })
        ws.on('error', reject)
        ws.on('message', (raw) => {
          const t = performance.now()
          // Only report.created is timed. Each report also brings its incident's, ticket's and
          // dispute's events; parsing all of them for 200 sockets in this one process delayed
          // the next socket's handler, which a screen (a process of its own) does not see.
          const text = raw.toString()
          if (!text.includes('"event":"report.created"')) return
          const m = JSON.parse(text) as { type: string; data?: { id?: string } }
          if (m.type === 'event' && m.data?.id) {
            const list = arrivals.get(m.data.id) ?? []
            list.push(t)
            arrivals.set(m.data.id, list)
          }
        })
      }),
    ),
  )
  await new Promise((r) => setTimeout(r, 500))
  const posts = 100
  // Timed from the moment each POST is sent: the server hands its own events to the sockets at
  // commit, before the poster's answer is written, so an event often beats the answer.
  const sent = new Map<string, number>()
  const answers: number[] = []
  for (let i = 0; i < posts; i++) {
    const t0 = performance.now()
    const res = await fetch(`${base}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(i)) })
    const { id } = (await res.json()) as { id: string }
    answers.push(performance.now() - t0)
    sent.set(id, t0)
    await new Promise((r) => setTimeout(r, 20))
  }
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline && [...sent.keys()].some((id) => (arrivals.get(id)?.length ?? 0) < WS_CLIENTS)) {
    await new Promise((r) => setTimeout(r, 50))
  }
  let missing = 0
  const latencies: number[] = []
  for (const [id, t0] of sent) {
    const got = arrivals.get(id) ?? []
    missing += WS_CLIENTS - got.length
    for (const t of got) latencies.push(t - t0)
  }
  for (const s of sockets) s.terminate()
  latencies.sort((a, b) => a - b)
  answers.sort((a, b) => a - b)
  const p50 = percentile(latencies, 50)
  return {
    name: `POST sent -> its report.created at each of ${WS_CLIENTS} sockets (${posts} reports, one at a time), p50`,
    value: p50,
    unit: 'ms',
    baseline: { name: 'POST sent -> its answer, p50', value: percentile(answers, 50), unit: 'ms' },
    ratio: p50 / percentile(answers, 50),
    note: `p99 ${percentile(latencies, 99).toFixed(1)} ms (answer p99 ${percentile(answers, 99).toFixed(1)} ms); missing deliveries: ${missing}`,
  }
}

/** Time until `tsx server/main.ts` says it is serving, on the embedded database, cold and warm. */
async function startup(): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sigap-bench-'))
  const env = { ...process.env, DATABASE_URL: '', PORT: '0', SIGAP_DATA_DIR: dir, SIGAP_DEMO_RATE: '0', SIGAP_LOG: 'error' }
  try {
    const cold = await timeUntil(['tsx', 'server/main.ts'], env, /sigap is serving/)
    const warm = await timeUntil(['tsx', 'server/main.ts'], env, /sigap is serving/)
    const bare = await timeUntil(['tsx', 'bench/pglite-boot.ts'], { ...env, SIGAP_DATA_DIR: join(dir, 'bare') }, /booted/)
    return [
      { name: 'start to serving, cold (empty data folder: migrations, demo area, 300 reports of history)', value: cold / 1000, unit: 's', baseline: { name: 'bare PGlite + PostGIS boot in a new process', value: bare / 1000, unit: 's' }, ratio: cold / bare },
      { name: 'start to serving, warm', value: warm / 1000, unit: 's', baseline: { name: 'bare PGlite + PostGIS boot in a new process', value: bare / 1000, unit: 's' }, ratio: warm / bare },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function timeUntil(cmd: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn('npx', cmd, { env, cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let out = ''
    const onData = (d: Buffer) => {
      out += d.toString()
      if (ready.test(out)) {
        const t = performance.now() - t0
        killGroup(child)
        child.once('exit', () => resolve(t))
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => {
      if (!ready.test(out)) reject(new Error(`${cmd.join(' ')} exited ${code}: ${out.slice(-500)}`))
    })
  })
}

const bench: Bench = {
  name: 'foundation: intake, fan-out, start-up',
  async run(ctx) {
    return [...(await intake(ctx)), ...(await startup())]
  },
}
export default bench
