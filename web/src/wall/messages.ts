import { messages } from '../lib/i18n.svelte'

const id = {
  'fig.open': 'Tiket terbuka saat ini',
  'fig.new': 'Tiket baru hari ini',
  'fig.late': 'Lewat SLA saat ini',
  'fig.response': 'Median respons hari ini',
  'fig.vsYesterday': 'vs kemarin',
  'fig.same': 'sama dengan kemarin',
  'fig.noData': 'belum ada',
  'unit.min': 'mnt',
  'unit.h': 'jam',
  'unit.d': 'hari',
  'scene.hotspots': 'Titik rawan',
  'scene.tickets': 'Tiket terbuka',
  'scene.heatmap': 'Respons dinas',
  'scene.disputes': 'Sengketa lokasi',
  'scene.next': 'Berikutnya',
  'scene.pinned': 'Tidak bergilir',
  'hot.count': 'titik rawan',
  'hot.window.24h': '24 jam terakhir',
  'hot.window.7d': '7 hari terakhir',
  'hot.window.30d': '30 hari terakhir',
  'hot.reports': 'laporan',
  'hot.growing': 'meningkat',
  'hot.stable': 'stabil',
  'hot.shrinking': 'menurun',
  'hot.none': 'Tidak ada titik rawan',
  'hot.density': 'Kepadatan laporan (heksagon)',
  'tix.total': 'tiket terbuka saat ini',
  'tix.emergency': 'darurat',
  'tix.breached': 'lewat SLA',
  'tix.priority': 'Prioritas',
  'tix.p1': 'P1 mendesak',
  'tix.p2': 'P2 tinggi',
  'tix.p3': 'P3 sedang',
  'tix.p4': 'P4 rendah',
  'tix.legendSize': 'Ukuran = jumlah laporan',
  'tix.legendPulse': 'Berdenyut = darurat',
  'tix.legendRing': 'Cincin putih = P1',
  'tix.topCategories': 'Kategori terbanyak',
  'tix.oldest': 'Terbuka paling lama',
  'heat.title': 'Respons dinas, 7 hari terakhir',
  'heat.within': 'selesai dalam SLA',
  'heat.withinOf': 'dari {n} tiket selesai',
  'heat.share': 'lewat SLA',
  'heat.shareOf': '{k} dari {n} tiket masuk',
  'heat.agency': 'Dinas',
  'heat.backlog': 'Terbuka',
  'heat.median': 'Median respons',
  'heat.breached': 'Lewat SLA',
  'heat.now': 'saat ini',
  'heat.7d': '7 hari',
  'heat.legend': 'Warna wilayah: bagian tiket yang melewati SLA',
  'heat.noData': 'tanpa tiket',
  'disp.active': 'sengketa aktif saat ini',
  'disp.overdue': 'terlambat',
  'disp.proposed': 'ada usulan',
  'disp.none': 'Tidak ada sengketa aktif',
  'disp.legend': 'Garis: dari lokasi laporan ke wilayah yang disebut pelapor',
  'disp.age': 'umur',
  'ticker.title': 'Laporan terbaru',
  'ticker.24h': 'laporan 24 jam',
  'ticker.private': 'Pelapor dirahasiakan',
} as const

type Key = keyof typeof id

const en: Record<Key, string> = {
  'fig.open': 'Open tickets now',
  'fig.new': 'New tickets today',
  'fig.late': 'Past SLA now',
  'fig.response': 'Median response today',
  'fig.vsYesterday': 'vs yesterday',
  'fig.same': 'same as yesterday',
  'fig.noData': 'none yet',
  'unit.min': 'min',
  'unit.h': 'h',
  'unit.d': 'd',
  'scene.hotspots': 'Hotspots',
  'scene.tickets': 'Open tickets',
  'scene.heatmap': 'Agency response',
  'scene.disputes': 'Location disputes',
  'scene.next': 'Next',
  'scene.pinned': 'Not rotating',
  'hot.count': 'hotspots',
  'hot.window.24h': 'last 24 hours',
  'hot.window.7d': 'last 7 days',
  'hot.window.30d': 'last 30 days',
  'hot.reports': 'reports',
  'hot.growing': 'growing',
  'hot.stable': 'stable',
  'hot.shrinking': 'shrinking',
  'hot.none': 'No hotspots',
  'hot.density': 'Report density (hexagons)',
  'tix.total': 'open tickets now',
  'tix.emergency': 'emergencies',
  'tix.breached': 'past SLA',
  'tix.priority': 'Priority',
  'tix.p1': 'P1 urgent',
  'tix.p2': 'P2 high',
  'tix.p3': 'P3 medium',
  'tix.p4': 'P4 low',
  'tix.legendSize': 'Size = number of reports',
  'tix.legendPulse': 'Pulsing = emergency',
  'tix.legendRing': 'White ring = P1',
  'tix.topCategories': 'Top categories',
  'tix.oldest': 'Open the longest',
  'heat.title': 'Agency response, last 7 days',
  'heat.within': 'resolved within SLA',
  'heat.withinOf': 'of {n} tickets resolved',
  'heat.share': 'past SLA',
  'heat.shareOf': '{k} of {n} tickets received',
  'heat.agency': 'Agency',
  'heat.backlog': 'Open',
  'heat.median': 'Median response',
  'heat.breached': 'Past SLA',
  'heat.now': 'now',
  'heat.7d': '7 days',
  'heat.legend': 'Region colour: share of tickets past their SLA',
  'heat.noData': 'no tickets',
  'disp.active': 'active disputes now',
  'disp.overdue': 'overdue',
  'disp.proposed': 'proposed',
  'disp.none': 'No active disputes',
  'disp.legend': 'Line: from where the report is to the region the reporter named',
  'disp.age': 'age',
  'ticker.title': 'Newest reports',
  'ticker.24h': 'reports in 24 h',
  'ticker.private': 'Reporter kept private',
}

export const w = messages(id, en)
export type WallKey = Key

/** Minutes as the wall shows them: "45 mnt", "3,5 j", "2 h". */
export type TimeUnit = 'min' | 'h' | 'd'

/** The unit a duration is best read in: minutes up to 90, hours up to two days, then days. */
export const unitFor = (min: number): TimeUnit => (Math.abs(min) < 90 ? 'min' : Math.abs(min) < 48 * 60 ? 'h' : 'd')

/**
 * "45 mnt", "5,2 jam", "3,1 hari": the unit written out (a lone "h" reads as hours to some and
 * hari to others). Pass `unit` to give a whole column one unit (that of its largest value).
 */
export function formatMinutes(min: number | null, lang: string, unit: TimeUnit = unitFor(min ?? 0)): string {
  if (min === null) return '—'
  const nf = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 })
  if (unit === 'min') return `${nf.format(Math.round(min))} ${w('unit.min')}`
  if (unit === 'h') return `${nf.format(Math.round(min / 6) / 10)} ${w('unit.h')}`
  return `${nf.format(Math.round(min / 144) / 10)} ${w('unit.d')}`
}
