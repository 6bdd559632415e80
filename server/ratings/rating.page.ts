import { Hono } from 'hono'
import { z } from 'zod'
import { ANONYMOUS_DISPLAY } from '../auth/principal.js'
import type { AppEnv } from '../http/context.js'
import { ticketNumber } from '../open311/open311.service.js'
import { defineRoute } from '../http/route.js'
import { citizenPage, esc } from '../status/status.page.js'
import { privateIdentitiesOf } from '../tickets/ticket.repository.js'
import { redact } from '../tickets/ticket.view.js'
import { findLinkTarget, type LinkTarget } from './rating.repository.js'
import { TokenParam } from './rating.schema.js'
import { rateByToken } from './rating.service.js'
import { SKM_ELEMENTS } from './skm.js'
import { storeSkmResponse } from './skm.service.js'

const SCORE_WORDS = ['', 'Sangat buruk', 'Buruk', 'Cukup', 'Baik', 'Sangat baik']
const SKM_WORDS = ['', 'Tidak baik', 'Kurang baik', 'Baik', 'Sangat baik']

/** The form as posted: a score 1-5, a comment, and the survey's ten elements (all or none). */
const PageForm = z
  .object({
    score: z.coerce.number().int().min(1, 'pilih nilai 1 sampai 5').max(5, 'pilih nilai 1 sampai 5'),
    comment: z.string().trim().max(2000).optional(),
    ...Object.fromEntries(SKM_ELEMENTS.map((e) => [e.code, z.coerce.number().int().min(1).max(4).optional()])),
  })
  .refine((f) => {
    const n = SKM_ELEMENTS.filter((e) => (f as Record<string, unknown>)[e.code] !== undefined).length
    return n === 0 || n === SKM_ELEMENTS.length
  }, { message: 'isi kesepuluh unsur survei, atau kosongkan semuanya', path: ['U1'] })

function radios(name: string, max: number, words: string[], checked?: number | null): string {
  return `<div class="scale">${Array.from({ length: max }, (_, i) => i + 1)
    .map((v) => `<label><input type="radio" name="${name}" value="${v}"${checked === v ? ' checked' : ''}><span>${v}</span><small>${esc(words[v]!)}</small></label>`)
    .join('')}</div>`
}

function ratingForm(token: string, t: LinkTarget, category: string, note: string | null, message = ''): string {
  const done = t.score !== null
  return citizenPage(
    'Penilaian layanan',
    `<style>.scale{display:flex;gap:.3rem;flex-wrap:wrap;margin:.3rem 0 .8rem}.scale label{flex:1;min-width:3.2rem;text-align:center;border:1px solid #9ab;border-radius:.4rem;padding:.4rem .2rem;min-height:44px}
.scale input{display:block;margin:0 auto}.scale span{font-weight:700;display:block}.scale small{font-size:.7rem;color:#566}textarea{width:100%;box-sizing:border-box;font:inherit;padding:.6rem}
fieldset{border:0;padding:0;margin:0 0 .6rem}legend{font-weight:600}</style>
<h1>Penilaian layanan</h1>
<section class="card"><div class="muted">Nomor tiket <strong>${esc(ticketNumber(t.report_id))}</strong></div>
<dl><dt>Kategori</dt><dd>${esc(category)}</dd><dt>Dinas</dt><dd>${esc(t.agency_name ?? '–')}</dd>
${note ? `<dt>Penanganan</dt><dd>${esc(note)}</dd>` : ''}</dl></section>
${message ? `<p class="card ${message.startsWith('Terima kasih') ? '' : 'late'}">${esc(message)}</p>` : ''}
<form class="card" method="post" action="/nilai/${esc(token)}">
<fieldset><legend>Seberapa puas Anda dengan penanganan laporan ini?${done ? ' (Anda sudah menilai; kirim lagi untuk mengubah)' : ''}</legend>${radios('score', 5, SCORE_WORDS, t.score)}</fieldset>
<label for="comment">Komentar (boleh kosong)</label><textarea id="comment" name="comment" rows="3" maxlength="2000"></textarea>
<h2 style="font-size:1.05rem;margin:1rem 0 .3rem">Survei Kepuasan Masyarakat (boleh dilewati)</h2>
<p class="muted">Nilai 1 (tidak baik) sampai 4 (sangat baik) untuk setiap unsur pelayanan.</p>
${SKM_ELEMENTS.map((e) => `<fieldset><legend>${esc(e.code)}. ${esc(e.name)}</legend>${radios(e.code, 4, SKM_WORDS)}</fieldset>`).join('')}
<button type="submit">Kirim penilaian</button></form>
<p class="muted">Identitas Anda tidak ditampilkan kepada petugas yang dinilai.</p>`,
  )
}

async function load(c: { var: AppEnv['Variables'] }, token: string) {
  const db = c.var.deps.db.db
  const t = await findLinkTarget(db, token)
  if (!t) return null
  const cat = await c.var.deps.categories.get(t.category_code)
  // The note is staff-written and may name private reporters of the same ticket.
  const note = redact(t.resolution_note, await privateIdentitiesOf(db, t.incident_id), ANONYMOUS_DISPLAY)
  return { t, category: cat?.name_id ?? t.category_code, note }
}

const notFoundPage = () => citizenPage('Tautan tidak ditemukan', '<h1>Tautan penilaian tidak ditemukan</h1><p class="card">Periksa kembali tautan dari pesan yang Anda terima.</p>')

// HTML pages: a bad token is the page's own 404, so they read TokenParam with safeParse.
defineRoute({ method: 'get', path: '/nilai/:token', tags: ['citizens'], summary: 'Citizens\' rating and SKM survey page of a rating link (HTML, Bahasa Indonesia)', params: TokenParam })
defineRoute({ method: 'post', path: '/nilai/:token', tags: ['citizens'], summary: 'The rating page\'s form: score 1-5, comment, and optionally the ten SKM elements U1-U10 (1-4)', params: TokenParam })

/** /nilai/:token: the citizen rates the handling (1-5) and may answer the SKM survey, on a phone. */
export function ratingPageRoutes() {
  return new Hono<AppEnv>()
    .get('/:token', async (c) => {
      if (!TokenParam.safeParse(c.req.param()).success) return c.html(notFoundPage(), 404)
      const token = c.req.param('token')
      const x = await load(c, token)
      if (!x) return c.html(notFoundPage(), 404)
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      if (!['resolved', 'closed'].includes(x.t.status))
        return c.html(citizenPage('Penilaian layanan', '<h1>Penilaian layanan</h1><p class="card">Laporan ini belum selesai ditangani; penilaian dapat diberikan setelah selesai.</p>'), 409)
      return c.html(ratingForm(token, x.t, x.category, x.note))
    })
    .post('/:token', async (c) => {
      if (!TokenParam.safeParse(c.req.param()).success) return c.html(notFoundPage(), 404)
      const token = c.req.param('token')
      const x = await load(c, token)
      if (!x) return c.html(notFoundPage(), 404)
      const raw: Record<string, string> = {}
      for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === 'string' && v !== '') raw[k] = v
      const form = PageForm.safeParse(raw)
      if (!form.success) return c.html(ratingForm(token, x.t, x.category, x.note, `Belum terkirim: ${form.error.issues[0]?.message ?? 'isian tidak lengkap'}.`), 422)
      if (!['resolved', 'closed'].includes(x.t.status)) return c.html(ratingForm(token, x.t, x.category, x.note, 'Belum terkirim: laporan ini belum selesai ditangani.'), 409)
      const f = form.data as Record<string, number | string | undefined>
      await rateByToken(c.var.deps, token, Number(f.score), (f.comment as string | undefined) ?? null)
      const scores = SKM_ELEMENTS.map((e) => f[e.code] as number | undefined)
      if (scores.every((s) => s !== undefined) && x.t.agency_code)
        await storeSkmResponse(c.var.deps, { agency: x.t.agency_code, scores: scores as number[], reportId: x.t.report_id, key: null })
      const again = (await load(c, token))!
      return c.html(ratingForm(token, again.t, again.category, again.note, 'Terima kasih, penilaian Anda sudah kami terima.'))
    })
}
