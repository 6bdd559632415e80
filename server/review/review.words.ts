/** The periodic report's words and number formats, Indonesian first (as the screens). */
const id = {
  title: 'Laporan Periodik Pengaduan Warga',
  period: 'Periode',
  generated: 'Dibuat',
  week: '7 hari terakhir',
  month: '30 hari terakhir',
  figures: 'Angka utama',
  reports: 'Laporan masuk',
  vsPrevious: 'periode sebelumnya',
  noPrevious: 'belum ada data periode sebelumnya',
  tickets: 'Tiket (masalah)',
  resolved: 'Selesai',
  backlog: 'Belum selesai',
  medianResponse: 'Median respons pertama',
  medianResolve: 'Median penyelesaian',
  withinSla: 'Selesai dalam SLA',
  breached: 'Melewati SLA',
  rating: 'Rating warga (1-5)',
  topCategories: 'Kategori terbanyak',
  map: 'Peta beban masalah per kelurahan/desa dan titik rawan',
  legendLoad: 'Laporan per kelurahan/desa',
  legendHotspot: 'Titik rawan (jumlah laporan)',
  noBoundaries: 'Belum ada batas wilayah',
  agencies: 'Kinerja perangkat daerah (OPD)',
  agency: 'OPD',
  received: 'Diterima',
  p50Response: 'Respons (median)',
  p90Response: 'Respons (p90)',
  p50Resolve: 'Selesai (median)',
  sla: 'Dalam SLA',
  ratingShort: 'Rating',
  skm: 'IKM',
  noAgencies: 'Tidak ada tiket pada periode ini.',
  regions: 'Wilayah dengan beban masalah tertinggi',
  region: 'Kelurahan/desa',
  kecamatan: 'Kecamatan',
  count: 'Laporan',
  perKm2: 'per km²',
  change: 'Perubahan',
  noRegions: 'Tidak ada laporan di dalam wilayah pada periode ini.',
  hotspots: 'Titik rawan (hotspot)',
  hotspotArea: 'Wilayah',
  trend: 'Tren',
  growing: 'naik',
  stable: 'stabil',
  shrinking: 'turun',
  noHotspots: 'Tidak ada titik rawan pada periode ini.',
  categories: 'Laporan per kategori',
  category: 'Kategori',
  previous: 'Sebelumnya',
  page: 'Halaman',
  of: 'dari',
  privacy: 'Identitas pelapor tidak dicantumkan dalam laporan ini.',
  channels: 'Laporan per saluran',
  channel: 'Saluran',
  late: 'Melewati SLA',
  rejected: 'Ditolak',
  hoax: 'Hoaks',
  prank: 'Iseng/prank',
  channelNote: 'Per laporan yang masuk dalam periode; status menurut tiketnya. Hoaks dan iseng: tiket ditolak dengan alasan tersebut.',
  channelNames: { app: 'Aplikasi', call_center: 'Call center 112', whatsapp: 'WhatsApp', lapor: 'SP4N-LAPOR!', web: 'Web', open311: 'Open311', field: 'Petugas lapangan', walk_in: 'Datang langsung' } as Record<string, string>,
  grades: { A: 'Sangat Baik', B: 'Baik', C: 'Kurang Baik', D: 'Tidak Baik' },
  min: 'mnt',
  hour: 'jam',
  day: 'hari',
  outside: 'di luar wilayah',
}
type Words = typeof id

const en: Words = {
  title: 'Periodic Report on Citizen Complaints',
  period: 'Period',
  generated: 'Generated',
  week: 'last 7 days',
  month: 'last 30 days',
  figures: 'Key figures',
  reports: 'Reports received',
  vsPrevious: 'previous period',
  noPrevious: 'no data for the previous period',
  tickets: 'Tickets (problems)',
  resolved: 'Resolved',
  backlog: 'Still open',
  medianResponse: 'Median first response',
  medianResolve: 'Median resolution',
  withinSla: 'Resolved within SLA',
  breached: 'SLA breached',
  rating: 'Citizen rating (1-5)',
  topCategories: 'Top categories',
  map: 'Problem load per kelurahan/desa and hotspots',
  legendLoad: 'Reports per kelurahan/desa',
  legendHotspot: 'Hotspot (reports)',
  noBoundaries: 'No boundaries loaded yet',
  agencies: 'Agency performance (OPD)',
  agency: 'Agency',
  received: 'Received',
  p50Response: 'Response (median)',
  p90Response: 'Response (p90)',
  p50Resolve: 'Resolution (median)',
  sla: 'Within SLA',
  ratingShort: 'Rating',
  skm: 'SKM index',
  noAgencies: 'No tickets in this period.',
  regions: 'Regions with the highest problem load',
  region: 'Kelurahan/desa',
  kecamatan: 'Kecamatan',
  count: 'Reports',
  perKm2: 'per km²',
  change: 'Change',
  noRegions: 'No reports inside the regions in this period.',
  hotspots: 'Hotspots',
  hotspotArea: 'Area',
  trend: 'Trend',
  growing: 'growing',
  stable: 'stable',
  shrinking: 'shrinking',
  noHotspots: 'No hotspots in this period.',
  categories: 'Reports per category',
  category: 'Category',
  previous: 'Previous',
  page: 'Page',
  of: 'of',
  privacy: 'Reporter identities are not included in this report.',
  channels: 'Reports per channel',
  channel: 'Channel',
  late: 'Past SLA',
  rejected: 'Rejected',
  hoax: 'Hoax',
  prank: 'Prank',
  channelNote: 'Reports received in the period, counted by what became of their ticket. Hoax and prank: tickets rejected for that reason.',
  channelNames: { app: 'App', call_center: 'Call center 112', whatsapp: 'WhatsApp', lapor: 'SP4N-LAPOR!', web: 'Web', open311: 'Open311', field: 'Field team', walk_in: 'Walk-in' } as Record<string, string>,
  grades: { A: 'Very good', B: 'Good', C: 'Poor', D: 'Very poor' },
  min: 'min',
  hour: 'h',
  day: 'd',
  outside: 'outside our regions',
}

export type Lang = 'id' | 'en'
export const words = (lang: Lang): Words => (lang === 'en' ? en : id)

const locale = (lang: Lang) => (lang === 'en' ? 'en-GB' : 'id-ID')

export function num(v: number, lang: Lang, digits = 0): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v)
}

/** Minutes as people say them: 45 mnt, 5,2 jam, 3,1 hari (minutes up to two hours). */
export function duration(min: number | null, lang: Lang): string {
  if (min === null) return '–'
  const w = words(lang)
  if (min < 120) return `${num(min, lang)} ${w.min}`
  if (min < 1440) return `${num(min / 60, lang, 1)} ${w.hour}`
  return `${num(min / 1440, lang, 1)} ${w.day}`
}

export const percent = (share: number | null, lang: Lang) => (share === null ? '–' : `${num(share * 100, lang, 1)}%`)

/** A WIB date (and time) for the page: "7 Des 2026" / "7 Dec 2026, 14:05". */
export function wibDate(d: Date, lang: Lang, withTime = false): string {
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: 'Asia/Jakarta',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
  }).format(d)
}
