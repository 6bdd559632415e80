// Indonesian first (the default), English on request (?lang=en, remembered).

const id = {
  'app.title': 'sigap — Pusat Komando',
  'wall.title': 'Pusat Komando',
  'wall.reports24h': 'Laporan 24 jam',
  'wall.reportsToday': 'Laporan hari ini',
  'wall.lastHour': 'Satu jam terakhir',
  'wall.newest': 'Laporan terbaru',
  'wall.lastUpdate': 'Pembaruan terakhir',
  'wall.demo': 'DATA DEMO',
  'live.connected': 'Terhubung',
  'live.connecting': 'Menghubungkan…',
  'live.stale': 'Data mungkin usang',
  'live.down': 'Koneksi terputus — data tidak diperbarui',
  'live.resyncing': 'Menyinkronkan ulang…',
  'live.short.stale': 'Usang',
  'live.short.down': 'Terputus',
  'common.noRegion': 'di luar wilayah',
  'screen.soon': 'Layar ini sedang dibangun.',
} as const

export type MessageKey = keyof typeof id

const en: Record<MessageKey, string> = {
  'app.title': 'sigap — Command Center',
  'wall.title': 'Command Center',
  'wall.reports24h': 'Reports, 24 h',
  'wall.reportsToday': 'Reports today',
  'wall.lastHour': 'Last hour',
  'wall.newest': 'Newest reports',
  'wall.lastUpdate': 'Last update',
  'wall.demo': 'DEMO DATA',
  'live.connected': 'Live',
  'live.connecting': 'Connecting…',
  'live.stale': 'Data may be stale',
  'live.down': 'Connection lost — data is not updating',
  'live.resyncing': 'Resynchronising…',
  'live.short.stale': 'Stale',
  'live.short.down': 'Offline',
  'common.noRegion': 'outside our regions',
  'screen.soon': 'This screen is being built.',
}

export type Lang = 'id' | 'en'
const dictionaries: Record<Lang, Record<MessageKey, string>> = { id, en }

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang')
  if (fromUrl === 'en' || fromUrl === 'id') {
    localStorage.setItem('sigap.lang', fromUrl)
    return fromUrl
  }
  return localStorage.getItem('sigap.lang') === 'en' ? 'en' : 'id'
}

export const i18n = $state({ lang: initialLang() })

export function t(key: MessageKey): string {
  return dictionaries[i18n.lang][key]
}

/**
 * A screen's own dictionary, Indonesian first: each screen keeps its words beside it
 * (`web/src/<screen>/messages.ts`) and gets a typed `t` for them.
 */
export function messages<K extends string>(idDict: Record<K, string>, enDict: Record<K, string>): (key: K) => string {
  return (key) => (i18n.lang === 'en' ? enDict : idDict)[key]
}

export function setLang(lang: Lang) {
  i18n.lang = lang
  localStorage.setItem('sigap.lang', lang)
  document.documentElement.lang = lang
}
