import type { TicketStatus } from '../tickets/ticket.rules.js'

/** A ticket's state in the citizen's words (status page, Open311 status_notes); a missing state fails to compile. */
export const STATUS_LABEL: Record<TicketStatus, { id: string; en: string }> = {
  new: { id: 'Diterima, menunggu verifikasi', en: 'Received, awaiting verification' },
  verified: { id: 'Sudah diverifikasi', en: 'Verified' },
  field_check: { id: 'Sedang dicek di lapangan', en: 'Being checked on site' },
  waiting_reporter: { id: 'Menunggu keterangan dari pelapor', en: 'Waiting for more information from the reporter' },
  dispatched: { id: 'Diteruskan ke dinas terkait', en: 'Passed to the agency' },
  in_progress: { id: 'Sedang dikerjakan', en: 'In progress' },
  resolved: { id: 'Selesai ditangani', en: 'Resolved' },
  closed: { id: 'Ditutup', en: 'Closed' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
  reopened: { id: 'Dibuka kembali', en: 'Reopened' },
}

/** The label of a stored state (a string from the database); an unknown one reads as itself. */
export function statusLabel(status: string | null): { id: string; en: string } {
  const s = status ?? 'new'
  return STATUS_LABEL[s as TicketStatus] ?? { id: s, en: s }
}
