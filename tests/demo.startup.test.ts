import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestDb } from './helpers/db.js'

const ROOT = join(import.meta.dirname, '..')
let child: ChildProcess | undefined
let dir: string | undefined
let db: Awaited<ReturnType<typeof createTestDb>> | undefined

afterAll(async () => {
  // The server and the node process tsx starts for it: their own process group.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
  await db?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('start-up in demo mode', () => {
  it("prints the URLs and the demo accounts before the demo's history and simulator log anything", async () => {
    dir = mkdtempSync(join(tmpdir(), 'sigap-start-'))
    // On PostgreSQL the server gets a database of its own; on PGlite its data folder is new.
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', SIGAP_DEMO: '1', SIGAP_DEMO_PER_DAY: '3', SIGAP_DATA_DIR: dir, SIGAP_LOG: 'info' }
    delete env.DATABASE_URL
    if (process.env.DATABASE_URL) {
      db = await createTestDb()
      env.DATABASE_URL = db.url
    }
    // Both streams into one file, so the lines keep the order they were written in (as on a terminal).
    const file = join(dir, 'out.log')
    const out = openSync(file, 'w')
    child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', out, out], detached: true })
    const read = () => readFileSync(file, 'utf8').split('\n')
    const deadline = Date.now() + 170_000
    while (!read().some((l) => l.startsWith('demo simulator:')) && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited: ${read().join('\n')}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    const lines = read()
    const at = (test: (l: string) => boolean, what: string) => {
      const i = lines.findIndex(test)
      expect(i, `${what} in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(0)
      return i
    }
    const serving = at((l) => l.startsWith('sigap is serving on http://'), 'the address')
    const wall = at((l) => /^ {2}http:\/\/\S+\/wall$/.test(l), 'the wall URL')
    const accounts = at((l) => l.startsWith('demo accounts'), 'the accounts heading')
    const lastAccount = at((l) => /^ {2}petugas\s+\S+\s+/.test(l), "the field officer's account")
    // What the demo's week and live reports log: its summary and the WhatsApp replies to its reporters.
    const demoLog = at((l) => / (info|warn) +(demo:|whatsapp →)/.test(l), "the demo's first log line")
    const simulator = at((l) => l.startsWith('demo simulator:'), 'the simulator line')
    expect(serving).toBeLessThan(wall)
    expect(wall).toBeLessThan(accounts)
    expect(accounts).toBeLessThan(lastAccount)
    expect(lastAccount).toBeLessThan(demoLog)
    expect(lastAccount).toBeLessThan(simulator)
    // Nothing of the demo's in among the addresses and the accounts.
    expect(lines.slice(serving, lastAccount + 1).some((l) => / (info|warn) +(demo:|whatsapp →)/.test(l))).toBe(false)
  }, 180_000)
})
