import { i18n } from './i18n.svelte'

// The one table of ticket state names for every screen (desk, field, review), so that one state
// reads the same everywhere. "Disposisi" is the word of Jakarta's CRM and of the command rooms.

const ID: Record<string, string> = {
  new: 'Baru',
  verified: 'Terverifikasi',
  field_check: 'Cek lapangan',
  waiting_reporter: 'Menunggu pelapor',
  dispatched: 'Disposisi',
  in_progress: 'Dikerjakan',
  resolved: 'Selesai',
  closed: 'Ditutup',
  rejected: 'Ditolak',
  reopened: 'Dibuka lagi',
}
const EN: Record<string, string> = {
  new: 'New',
  verified: 'Verified',
  field_check: 'Field check',
  waiting_reporter: 'Waiting for reporter',
  dispatched: 'Dispatched',
  in_progress: 'In progress',
  resolved: 'Resolved',
  closed: 'Closed',
  rejected: 'Rejected',
  reopened: 'Reopened',
}

/** Who did a step of a ticket's history, by role ("system": the SLA checker, routing at intake). */
const ACTOR_ID: Record<string, string> = {
  system: 'Sistem',
  admin: 'Admin',
  operator: 'Operator',
  leadership: 'Pimpinan',
  region_head: 'Kepala wilayah',
  agency_staff: 'Staf instansi',
  field_officer: 'Petugas lapangan',
  display: 'Layar',
}
const ACTOR_EN: Record<string, string> = {
  system: 'System',
  admin: 'Admin',
  operator: 'Operator',
  leadership: 'Leadership',
  region_head: 'Area head',
  agency_staff: 'Agency staff',
  field_officer: 'Field officer',
  display: 'Display',
}

export const statusName = (s: string, lang: string = i18n.lang): string => (lang === 'en' ? EN : ID)[s] ?? s
export const actorRoleName = (role: string | null, lang: string = i18n.lang): string => (lang === 'en' ? ACTOR_EN : ACTOR_ID)[role ?? 'system'] ?? role ?? ''
