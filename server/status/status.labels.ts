/** A ticket's state in the citizen's words (status page, Open311 status_notes, WhatsApp). */
export const STATUS_LABEL: Record<string, { id: string; en: string }> = {
  new: { id: 'Diterima, menunggu verifikasi', en: 'Received, awaiting verification' },
  verified: { id: 'Sudah diverifikasi', en: 'Verified' },
  dispatched: { id: 'Diteruskan ke dinas terkait', en: 'Passed to the agency' },
  in_progress: { id: 'Sedang dikerjakan', en: 'In progress' },
  resolved: { id: 'Selesai ditangani', en: 'Resolved' },
  closed: { id: 'Ditutup', en: 'Closed' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
  reopened: { id: 'Dibuka kembali', en: 'Reopened' },
}
