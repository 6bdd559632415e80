import { messages } from './i18n.svelte'
import { serverNow } from './server-clock'
import { formatMinutes } from '../wall/messages'

// A ticket's next clock in words, one wording for every screen that shows it (the desk's queue
// and detail, the field tablet's list): "tanggap sisa 45 mnt", "selesai lewat 2 jam".

interface Clocked {
  sla: { response_due_at: string | null; resolve_due_at: string | null; first_response_at: string | null; paused_at?: string | null | undefined }
}

/**
 * When the ticket's next clock runs out: the response clock until someone responded, then the
 * resolution clock. The desk's queue is sorted by it, so the most urgent (and the overdue) come first.
 */
export function nextDue(t: Clocked, now = Date.now()): { at: number; clock: 'respond' | 'resolve'; paused?: boolean } | null {
  // Waiting for the reporter: the clock stands still, as much time left as at the pause.
  if (t.sla.paused_at && t.sla.resolve_due_at) return { at: Date.parse(t.sla.resolve_due_at) - Date.parse(t.sla.paused_at) + now, clock: 'resolve', paused: true }
  if (t.sla.first_response_at === null && t.sla.response_due_at) return { at: Date.parse(t.sla.response_due_at), clock: 'respond' }
  if (t.sla.resolve_due_at) return { at: Date.parse(t.sla.resolve_due_at), clock: 'resolve' }
  return null
}

const d = messages(
  { respond: 'tanggap', resolve: 'selesai', overdue: 'lewat', dueIn: 'sisa', paused: 'jeda (menunggu pelapor)' },
  { respond: 'respond', resolve: 'resolve', overdue: 'overdue', dueIn: 'left', paused: 'paused (waiting for reporter)' },
)

/** The next clock as text ("—" when the ticket runs none) and whether it ran out. */
export function dueText(t: Clocked, lang: string, now = serverNow()): { text: string; late: boolean } {
  const due = nextDue(t, now)
  if (!due) return { text: '—', late: false }
  const mins = Math.round((due.at - now) / 60_000)
  const span = formatMinutes(Math.abs(mins), lang)
  if (due.paused) return { text: `${d('paused')} · ${d('dueIn')} ${span}`, late: false }
  return { text: `${d(due.clock)} ${mins < 0 ? `${d('overdue')} ${span}` : `${d('dueIn')} ${span}`}`, late: mins < 0 }
}
