import type { PublicStatus } from './status.service.js'

/** Citizens' pages: small, server-made HTML that works on any phone, without the app's scripts. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

const wib = (iso: string | null) =>
  iso
    ? `${new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso))} WIB`
    : '–'

export function citizenPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f4f6f8;color:#1b2733}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.3rem;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:.6rem;padding:1rem;margin-bottom:1rem;box-shadow:0 1px 3px #0002}
.status{font-size:1.2rem;font-weight:700;margin:.2rem 0 .6rem}
.late{color:#b3261e;font-weight:700}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem;margin:0}dt{color:#566}dd{margin:0}
ol{padding-left:1.2rem;margin:.4rem 0 0}
input,button{font:inherit;padding:.7rem;border-radius:.4rem;border:1px solid #9ab;box-sizing:border-box}
input{width:100%;margin:.4rem 0;text-transform:uppercase}
button,.btn{background:#0b5cad;color:#fff;border:0;display:inline-block;text-decoration:none;padding:.7rem 1rem;border-radius:.4rem;min-height:44px}
.muted{color:#566;font-size:.9rem}
</style></head><body><main>${body}</main></body></html>`
}

export function lookupForm(message = ''): string {
  return citizenPage(
    'Cek status laporan',
    `<h1>Cek status laporan</h1><form class="card" method="get" action="/status">
<label for="nomor">Nomor tiket (8 karakter)</label>
<input id="nomor" name="nomor" maxlength="8" autocomplete="off" required pattern="[0-9A-Fa-f]{8}" placeholder="mis. 9CFB352B">
<button type="submit">Cek status</button>${message ? `<p class="late">${esc(message)}</p>` : ''}</form>
<p class="muted">Nomor tiket ada pada balasan WhatsApp, SMS atau tanda terima laporan Anda. Halaman ini tidak menampilkan identitas pelapor.</p>`,
  )
}

/** SP4N-LAPOR!'s two stages: when each is due, or when it was done. */
function laporRows(l: NonNullable<PublicStatus['lapor']>): string {
  const stage = (name: string, st: { due_at: string | null; done_at: string | null }, waiting: string) =>
    `<dt>${name}</dt><dd>${st.done_at ? `selesai ${wib(st.done_at)}` : st.due_at ? `batas ${wib(st.due_at)}` : waiting}</dd>`
  return stage('Verifikasi (3 hari kerja)', l.verify, '–') + stage('Rencana tindak lanjut (5 hari kerja)', l.plan, 'dimulai setelah verifikasi')
}

export function statusPage(tickets: PublicStatus[]): string {
  const cards = tickets.map((t) => {
    const due = t.resolve_due_at && !t.resolved_at && !['rejected', 'closed'].includes(t.status) ? t.resolve_due_at : null
    return `<section class="card">
<div class="muted">Nomor tiket <strong>${esc(t.ticket_number)}</strong></div>
<div class="status">${esc(t.status_label)}</div>
${t.late ? '<p class="late">Melewati batas waktu penyelesaian</p>' : ''}
${t.red ? '<p class="late">Belum ada tanggapan lebih dari 6 hari</p>' : ''}
<dl><dt>Kategori</dt><dd>${esc(t.category)}</dd>
<dt>Lokasi</dt><dd>${esc([t.kelurahan, t.kecamatan].filter(Boolean).join(', ') || '–')}</dd>
<dt>Dinas</dt><dd>${esc(t.agency ?? 'Belum ditentukan')}</dd>
<dt>Diterima</dt><dd>${wib(t.received_at)}</dd>
${t.lapor ? laporRows(t.lapor) : ''}
${due ? `<dt>Target selesai</dt><dd>${wib(due)}</dd>` : ''}
${t.resolved_at ? `<dt>Selesai</dt><dd>${wib(t.resolved_at)}</dd>` : ''}
<dt>Diperbarui</dt><dd>${wib(t.updated_at)}</dd></dl>
${t.history.length ? `<ol>${t.history.map((h) => `<li>${esc(h.label)} <span class="muted">${wib(h.at)}</span></li>`).join('')}</ol>` : ''}
${t.rating_url ? `<p><a class="btn" href="${esc(t.rating_url)}">Beri penilaian layanan</a></p>` : ''}
</section>`
  })
  return citizenPage(`Status laporan ${tickets[0]?.ticket_number ?? ''}`, `<h1>Status laporan</h1>${cards.join('')}<p class="muted">Halaman ini tidak menampilkan identitas pelapor. <a href="/status">Cek nomor lain</a></p>`)
}
