import { existsSync, mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../server/config.js'
import type { Logger } from '../server/logger.js'
import { mailDueReports } from '../server/review/review.mail.js'
import { deliverDueReports } from '../server/review/review.schedule.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

/**
 * The scheduled report by e-mail: an SMTP server in this process stands in for the regency's;
 * each due PDF is mailed once to the configured addresses, a refused send is tried again at the
 * next check, and the log keeps no address.
 */
const TO = ['bupati@purwakarta.example.go.id', 'kominfo@purwakarta.example.go.id']
let t: TestApp
let smtp: SMTPServer
let port = 0
const received: { from: string; to: string[]; raw: string }[] = []
/** How many of the next messages the server refuses (a full mailbox, a busy server). */
let refuse = 0
const logged: string[] = []
const log: Logger = { error: (m) => logged.push(m), info: (m) => logged.push(m), debug: () => {} }
const wib = (s: string) => new Date(`${s}:00+07:00`)

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        if (refuse > 0) {
          refuse--
          const err = Object.assign(new Error(`Mailbox ${TO[0]} is full, try later`), { responseCode: 452 })
          return callback(err)
        }
        received.push({ from: (session.envelope.mailFrom || { address: '' }).address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  port = (smtp.server.address() as AddressInfo).port
  t = await createTestApp({
    config: testConfig({
      SIGAP_AUTHORITY_NAME: 'Kabupaten Purwakarta',
      SIGAP_DEMO: '1',
      SIGAP_REPORT_SCHEDULE: 'daily,weekly',
      SIGAP_SMTP_URL: `smtp://127.0.0.1:${port}`,
      SIGAP_REPORT_EMAIL_TO: TO.join(', '),
      SIGAP_REPORT_EMAIL_FROM: 'sigap@purwakarta.example.go.id',
    }),
  })
  t.deps.log = log
  await seedTwoKelurahan(t.db.db)
})
afterAll(async () => {
  await t.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})

/** A message's headers with folded lines joined, and its subject decoded when it was encoded. */
const subjectOf = (raw: string) => {
  const line = /^Subject: (.*)$/m.exec(raw.replace(/\r\n[ \t]+/g, ' '))![1]!
  return line.replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, q: string) => Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')).replace(/\?= =\?UTF-8\?Q\?/gi, '')
}

describe('the periodic report by e-mail', () => {
  it('mails each due PDF once to every address, with the regency\'s name and DEMO', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigap-mail-'))
    const now = wib('2026-03-11T07:00')
    await deliverDueReports(t.deps, dir, ['daily', 'weekly'], now)
    const mailed = await mailDueReports(t.deps, dir, ['daily', 'weekly'], now)
    expect(mailed.map((f) => f.slice(dir.length + 1))).toEqual(['sigap-harian-2026-03-10.pdf', 'sigap-mingguan-2026-03-02_2026-03-08.pdf'])
    expect(received).toHaveLength(2)
    for (const m of received) {
      expect(m.from).toBe('sigap@purwakarta.example.go.id')
      expect(m.to.sort()).toEqual([...TO].sort())
      expect(subjectOf(m.raw)).toMatch(/^\[DEMO\] Laporan (harian|mingguan) pengaduan Kabupaten Purwakarta - /)
      expect(m.raw).toContain('application/pdf')
      // The PDF travels whole (base64 of "%PDF-" is "JVBERi0").
      expect(m.raw).toContain('JVBERi0')
    }
    expect(subjectOf(received[0]!.raw)).toContain('10 Maret 2026')
    expect(subjectOf(received[1]!.raw)).toContain('2 Maret 2026 s.d. 8 Maret 2026')
    expect(received[0]!.raw).toContain('filename=sigap-harian-2026-03-10.pdf')
    // The next check sends nothing again.
    expect(await mailDueReports(t.deps, dir, ['daily', 'weekly'], wib('2026-03-11T07:10'))).toEqual([])
    expect(received).toHaveLength(2)
    received.length = 0
  })

  it('tries a refused send again at the next check, without throwing and without logging addresses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigap-mail-'))
    const now = wib('2026-03-12T07:00')
    await deliverDueReports(t.deps, dir, ['daily'], now)
    refuse = 1
    logged.length = 0
    expect(await mailDueReports(t.deps, dir, ['daily'], now)).toEqual([])
    expect(received).toHaveLength(0)
    expect(existsSync(join(dir, 'sigap-harian-2026-03-11.pdf.sent'))).toBe(false)
    expect(logged.join('\n')).toContain('not mailed')
    for (const a of TO) expect(logged.join('\n')).not.toContain(a)
    expect(logged.join('\n')).not.toMatch(/@/)

    expect(await mailDueReports(t.deps, dir, ['daily'], wib('2026-03-12T07:10'))).toHaveLength(1)
    expect(received).toHaveLength(1)
    expect(existsSync(join(dir, 'sigap-harian-2026-03-11.pdf.sent'))).toBe(true)
    received.length = 0
  })

  it('survives an SMTP server that is not there', async () => {
    const own = await createTestApp({ db: t.db, config: testConfig({ SIGAP_REPORT_SCHEDULE: 'daily', SIGAP_SMTP_URL: 'smtp://127.0.0.1:1', SIGAP_REPORT_EMAIL_TO: TO[0]! }) })
    try {
      const errors: string[] = []
      own.deps.log = { error: (m) => errors.push(m), info: () => {}, debug: () => {} }
      const dir = mkdtempSync(join(tmpdir(), 'sigap-mail-'))
      const now = wib('2026-03-13T07:00')
      await deliverDueReports(own.deps, dir, ['daily'], now)
      await expect(mailDueReports(own.deps, dir, ['daily'], now)).resolves.toEqual([])
      expect(errors).toHaveLength(1)
      expect(errors[0]).not.toContain(TO[0])
    } finally {
      await own.close()
    }
  })

  it('refuses at start-up addresses without a server or a schedule, and a bad address, naming the variable', () => {
    const base = { SIGAP_DEMO: '0', SIGAP_LOG: 'silent' }
    const fails = (env: Record<string, string>, variable: string) => expect(() => loadConfig({ ...base, ...env })).toThrow(variable)
    fails({ SIGAP_REPORT_EMAIL_TO: TO[0]!, SIGAP_REPORT_SCHEDULE: 'daily' }, 'SIGAP_SMTP_URL')
    fails({ SIGAP_REPORT_EMAIL_TO: TO[0]!, SIGAP_SMTP_URL: 'smtp://mail.example.go.id' }, 'SIGAP_REPORT_SCHEDULE')
    fails({ SIGAP_REPORT_EMAIL_TO: 'bupati, kominfo@x.go.id', SIGAP_SMTP_URL: 'smtp://m.example', SIGAP_REPORT_SCHEDULE: 'daily' }, 'SIGAP_REPORT_EMAIL_TO')
    fails({ SIGAP_SMTP_URL: 'http://mail.example.go.id' }, 'SIGAP_SMTP_URL')
    const ok = loadConfig({ ...base, SIGAP_REPORT_EMAIL_TO: ` ${TO.join(' , ')} `, SIGAP_SMTP_URL: 'smtps://u:p@mail.example.go.id:465', SIGAP_REPORT_SCHEDULE: 'weekly' })
    expect(ok.SIGAP_REPORT_EMAIL_TO).toEqual(TO)
    expect(ok.SIGAP_REPORT_EMAIL_FROM).toBe('sigap@localhost')
  })
})
