import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Deps } from '../http/context.js'
import { dueReports, type DueReport } from './review.due.js'

/** Where the scheduled reports are mailed; SMTP (nodemailer) unless a test connects another. */
export interface ReportMailer {
  /** Throws when the server did not accept the message: it is tried again at the next check. */
  send(mail: { from: string; to: string[]; subject: string; text: string; attachment: { filename: string; content: Buffer } }): Promise<void>
}

/** SMTP from a URL (smtp://user:pass@host:587, smtps://…); bounded waits, so a silent server cannot hold the schedule. */
export function smtpMailer(url: string): ReportMailer {
  const transport = nodemailer.createTransport({ url, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 })
  return {
    async send(m) {
      await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, attachments: [{ filename: m.attachment.filename, content: m.attachment.content, contentType: 'application/pdf' }] })
    },
  }
}

const mailers = new WeakMap<Deps, ReportMailer>()
const mailerOf = (deps: Deps): ReportMailer | null => {
  let m = mailers.get(deps)
  if (!m && deps.config.SIGAP_SMTP_URL) mailers.set(deps, (m = smtpMailer(deps.config.SIGAP_SMTP_URL)))
  return m ?? null
}

const dayFmt = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'long', year: 'numeric' })

/** Subject and words of a report's e-mail (Bahasa Indonesia): the government's name, the period in WIB, DEMO when it is demo data. */
export function reportMail(r: DueReport, marks: { authority?: string | undefined; demo: boolean }): { subject: string; text: string } {
  const last = new Date(r.window.to.getTime() - 1)
  const period = r.kind === 'daily' ? dayFmt.format(r.window.from) : `${dayFmt.format(r.window.from)} s.d. ${dayFmt.format(last)}`
  const kind = r.kind === 'daily' ? 'harian' : 'mingguan'
  const who = marks.authority ?? 'sigap'
  const subject = `${marks.demo ? '[DEMO] ' : ''}Laporan ${kind} pengaduan ${who} - ${period}`
  const text = [
    ...(marks.demo ? ['DEMO: laporan ini dibuat dari data contoh, bukan data sebenarnya.', ''] : []),
    `Terlampir laporan ${kind} pengaduan masyarakat ${who} untuk ${period} (WIB): laporan masuk, penanganan per dinas, wilayah, titik rawan dan saluran.`,
    '',
    'Pesan ini dikirim otomatis oleh sigap.',
  ].join('\n')
  return { subject, text }
}

/** E-mail addresses in a server's error text are replaced: the log keeps no addresses. */
export const redactAddresses = (s: string) => s.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[alamat]')

/**
 * Mails each due report whose PDF is in `dir` and was not mailed yet to SIGAP_REPORT_EMAIL_TO,
 * and marks it mailed (`<file>.sent`) once the server accepted it. A failure is logged (without
 * addresses) and tried again at the next check; it never throws. Answers the files mailed.
 */
export async function mailDueReports(deps: Deps, dir: string, kinds: ('daily' | 'weekly')[], now = new Date()): Promise<string[]> {
  const to = deps.config.SIGAP_REPORT_EMAIL_TO
  const mailer = mailerOf(deps)
  if (!to?.length || !mailer) return []
  const mailed: string[] = []
  for (const r of dueReports(kinds, now)) {
    const path = join(dir, r.file)
    if (!existsSync(path) || existsSync(`${path}.sent`)) continue
    try {
      const { subject, text } = reportMail(r, { authority: deps.config.SIGAP_AUTHORITY_NAME, demo: deps.config.SIGAP_DEMO })
      await mailer.send({ from: deps.config.SIGAP_REPORT_EMAIL_FROM, to, subject, text, attachment: { filename: r.file, content: readFileSync(path) } })
      writeFileSync(`${path}.sent`, `${new Date().toISOString()}\n`)
      mailed.push(path)
    } catch (err) {
      deps.log.error(`periodic report ${r.file} not mailed (tried again at the next check): ${redactAddresses((err as Error).message)}`)
    }
  }
  return mailed
}

/** Connects another mailer (a test's, another transport). */
export function useReportMailer(deps: Deps, mailer: ReportMailer): void {
  mailers.set(deps, mailer)
}
