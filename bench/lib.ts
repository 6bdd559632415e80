import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import pg from 'pg'
import { connect, type Db } from '../server/db/connect.js'
import { migrate } from '../server/db/migrate.js'
import { withDatabase } from '../tests/helpers/template.js'

export interface BenchContext {
  /** PostgreSQL server URL (a database of the bench's own is created from it). */
  databaseUrl: string
  log: (msg: string) => void
}

export interface BenchFigure {
  name: string
  value: number
  unit: string
  /** The same-run baseline this figure is compared with, and their ratio. */
  baseline?: { name: string; value: number; unit: string }
  ratio?: number
  note?: string
}

export interface Bench {
  name: string
  run(ctx: BenchContext): Promise<BenchFigure[]>
}

/** A fresh, migrated PostgreSQL database for one benchmark; dropped by the returned close(). */
export async function freshDb(ctx: BenchContext, name: string): Promise<{ db: Db; url: string; close(): Promise<void> }> {
  const dbName = `sigap_bench_${name}_${process.pid}`
  const admin = new pg.Client({ connectionString: ctx.databaseUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const url = withDatabase(ctx.databaseUrl, dbName)
  const db = await connect({ databaseUrl: url, dataDir: '', poolSize: 40 })
  await migrate(db.db)
  return {
    db,
    url,
    async close() {
      await db.close()
      // SIGAP_BENCH_KEEP=1 keeps the database for a look at its plans afterwards (psql -d NAME).
      if (process.env.SIGAP_BENCH_KEEP === '1') return ctx.log(`kept database ${dbName}`)
      const a = new pg.Client({ connectionString: ctx.databaseUrl })
      await a.connect()
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
      await a.end()
    },
  }
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]!
}

/**
 * Requests sent to a fresh server (or code path) before measuring: connections, cached plans
 * and, above all, V8's optimising compiler. After 100 requests the intake server was still
 * compiling (TurboFan on the main thread in a profile); after 2,000 it answered 20-30 % more
 * reports a second, as a server that has run for a while does.
 */
export const WARM_UP = Math.max(100, Math.round(2000 * Number(process.env.SIGAP_BENCH_SCALE ?? 1)))

/** Runs `task` from `concurrency` workers until `total` tasks are done; returns tasks per second. */
export async function throughput(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await task(next++)
    }),
  )
  return total / ((performance.now() - t0) / 1000)
}

/** One way of doing a thing, measured in rounds that alternate with the other ways' (inRounds). */
export interface Way {
  /** What the command line of the process doing the work contains, for its CPU ('-': none). */
  mark: string
  /** Does item (or batch) i; the numbers run on across warm-up and rounds. */
  task: (i: number) => Promise<void>
  concurrency: number
  /** Items one task does (a batch); 1 by default. */
  perTask?: number
  /** Before each round (starts a server and warms it); its time and CPU are not counted. */
  open?: () => Promise<void>
  close?: () => Promise<void>
}

export interface Measured {
  /** Items per second over all rounds. */
  rate: number
  /** CPU milliseconds an item: of the way's process, of PostgreSQL, of this process (load or in-process work). */
  cpuMs: { server: number; postgres: number; self: number }
}

/**
 * Measures each way on `items` items in `rounds` rounds (an even number: each order as often),
 * the ways taking turns within each round, in reverse order every other round, so that drift on
 * a shared machine (its steal time changes by the minute, autovacuum, a table that grows) hits
 * all of them alike. Ways without `open` are warmed once first (WARM_UP).
 */
export async function inRounds<K extends string>(ways: Record<K, Way>, items: number, rounds = 4): Promise<Record<K, Measured>> {
  const entries = Object.entries(ways) as [K, Way][]
  const next = new Map<Way, number>()
  const run = (w: Way, n: number) => {
    const per = w.perTask ?? 1
    const tasks = Math.ceil(n / per)
    const from = next.get(w) ?? 0
    next.set(w, from + tasks)
    return throughput(tasks, w.concurrency, (i) => w.task(from + i)).then((tasksPerS) => ({ seconds: tasks / tasksPerS, done: tasks * per }))
  }
  for (const [, w] of entries) if (!w.open) await run(w, WARM_UP)
  const sums = new Map(entries.map(([k]) => [k, { seconds: 0, done: 0, server: 0, postgres: 0, self: 0 }]))
  const perRound = Math.ceil(items / rounds)
  for (let r = 0; r < rounds; r++) {
    // Every other round in reverse: a way that always ran after another (say, after the plain
    // INSERTs had grown a table for autovacuum to visit) measured up to a fifth faster than in
    // the place before it.
    for (const [k, w] of r % 2 === 0 ? entries : [...entries].reverse()) {
      await w.open?.()
      try {
        const s = sums.get(k)!
        const c0 = cpuSeconds(w.mark)
        const me0 = process.cpuUsage()
        const { seconds, done } = await run(w, perRound)
        const c1 = cpuSeconds(w.mark)
        const me = process.cpuUsage(me0)
        s.seconds += seconds
        s.done += done
        s.server += c1.server - c0.server
        s.postgres += c1.postgres - c0.postgres
        s.self += (me.user + me.system) / 1e6
      } finally {
        await w.close?.()
      }
    }
  }
  const out = {} as Record<K, Measured>
  for (const [k, s] of sums) {
    const ms = (cpu: number) => (cpu * 1000) / s.done
    out[k] = { rate: s.done / s.seconds, cpuMs: { server: ms(s.server), postgres: ms(s.postgres), self: ms(s.self) } }
  }
  return out
}

/**
 * A lean HTTP client for load generation: node:http over kept-alive sockets. The load
 * generator shares the machine with the server it measures, and fetch() spent about 0.8 ms of
 * CPU a request here (node:http 0.3 ms), a third of the 2 cores. Resolves with the status.
 */
export function jsonPoster(baseUrl: string, sockets: number): { post(path: string, body: unknown): Promise<number>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets })
  return {
    post: (path, body) =>
      new Promise<number>((resolve, reject) => {
        const payload = JSON.stringify(body)
        const req = http.request(`${baseUrl}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode ?? 0))
        })
        req.on('error', reject)
        req.end(payload)
      }),
    close: () => agent.destroy(),
  }
}

/**
 * CPU seconds used so far by the PostgreSQL processes and by the processes whose command line
 * contains `serverMark`, read from /proc (Linux; zeros elsewhere). Two readings around a run
 * tell where its CPU went.
 */
export function cpuSeconds(serverMark: string): { postgres: number; server: number } {
  const read = (pid: string, file: string) => {
    try {
      return readFileSync(`/proc/${pid}/${file}`, 'utf8')
    } catch {
      return '' // the process ended meanwhile
    }
  }
  // Own CPU plus that of exited children (a backend that ended took its own count with it; the
  // postmaster's children count keeps it).
  const ticks = (pid: string) => {
    const f = read(pid, 'stat').split(') ')[1]?.split(' ') ?? []
    return (Number(f[11]) || 0) + (Number(f[12]) || 0) + (Number(f[13]) || 0) + (Number(f[14]) || 0)
  }
  let pids: string[] = []
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d))
  } catch {
    return { postgres: 0, server: 0 }
  }
  let postgres = 0
  let server = 0
  for (const pid of pids) {
    if (read(pid, 'comm').trim() === 'postgres') postgres += ticks(pid)
    else if (read(pid, 'cmdline').includes(serverMark)) server += ticks(pid)
  }
  // Clock ticks are 1/100 s on Linux.
  return { postgres: postgres / 100, server: server / 100 }
}

export function killGroup(child: ChildProcess) {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM')
  } catch {
    child.kill('SIGTERM') // the group is gone already
  }
}

/**
 * Runs `tsx SCRIPT` (server/main.ts, or bench/intake-server.ts) in a process of its own, as
 * deployed, so that the load generator does not share its event loop; resolves when it says
 * it is serving on env.PORT.
 */
export async function spawnServer(script: string[], env: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  // Its own process group: npx starts node under a shell, and the signal must reach all of them.
  const child = spawn('npx', ['tsx', ...script], { env: { ...process.env, ...env }, cwd: join(import.meta.dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'], detached: true })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (/sigap is serving/.test(out)) resolve()
    })
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
  return {
    url: `http://localhost:${env.PORT}`,
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        killGroup(child)
      }),
  }
}
