/**
 * The open tickets as one binary block (GET /api/wall/tickets.bin), shared by the server
 * (encode) and the wall (decode): 100,000 pins in about 2.8 MB, which the browser hands to
 * deck.gl as typed arrays without building an object per pin.
 *
 * Layout, little-endian, every array starting on a 4-byte boundary:
 *   'SGT1' | uint32 header length H | header JSON (UTF-8, space-padded to 4) |
 *   ids: n x 16 bytes (UUID) | positions: n x 2 float32 (lon, lat) |
 *   report counts: n x uint16 (capped at 65535, padded to 4) | category: n x uint8 (index into header.categories) |
 *   flags: n x uint8 (bits 0-2 priority 1..4, bit 3 emergency, bit 4 SLA breached, bit 5 red: six days without a response)
 * Float32 keeps positions to under a metre at Indonesian longitudes.
 */
export const TICKETS_MAGIC = 'SGT1'
export const FLAG_EMERGENCY = 8
export const FLAG_BREACHED = 16
/** JAKI's red (tickets/late.ts isRed). */
export const FLAG_RED = 32
export const PRIORITY_MASK = 7

export interface TicketsHeader {
  version: 1
  count: number
  /** The event sequence the data is current to: subscribe from here. */
  seq: number
  server_time: string
  categories: string[]
}

export interface TicketColumns {
  header: TicketsHeader
  ids: Uint8Array
  positions: Float32Array
  counts: Uint16Array
  categories: Uint8Array
  flags: Uint8Array
}

export interface TicketInput {
  id: string
  lon: number
  lat: number
  report_count: number
  category_code: string
  priority: number
  is_emergency: boolean
  breached: boolean
  red: boolean
}

const pad4 = (n: number) => (n + 3) & ~3

export function flagsOf(priority: number, emergency: boolean, breached: boolean, red = false): number {
  return (Math.min(4, Math.max(1, priority)) & PRIORITY_MASK) | (emergency ? FLAG_EMERGENCY : 0) | (breached ? FLAG_BREACHED : 0) | (red ? FLAG_RED : 0)
}

export function uuidToBytes(id: string, out: Uint8Array, at: number): void {
  const hex = id.replace(/-/g, '')
  for (let i = 0; i < 16; i++) out[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))
export function bytesToUuid(b: Uint8Array, at: number): string {
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[b[at + i]!]
  }
  return s
}

export function encodeTickets(rows: readonly TicketInput[], seq: number, serverTime: Date): Uint8Array {
  const n = rows.length
  const categories: string[] = []
  const catIndex = new Map<string, number>()
  for (const r of rows) {
    if (!catIndex.has(r.category_code)) {
      catIndex.set(r.category_code, categories.length)
      categories.push(r.category_code)
    }
  }
  if (categories.length > 255) throw new Error('more than 255 categories do not fit the ticket encoding')
  const header: TicketsHeader = { version: 1, count: n, seq, server_time: serverTime.toISOString(), categories }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const h = pad4(json.length)
  const offIds = 8 + h
  const offPos = offIds + 16 * n
  const offCounts = offPos + 8 * n
  const offCats = offCounts + pad4(2 * n)
  const offFlags = offCats + n
  const buf = new ArrayBuffer(offFlags + n)
  const bytes = new Uint8Array(buf)
  const view = new DataView(buf)
  for (let i = 0; i < 4; i++) bytes[i] = TICKETS_MAGIC.charCodeAt(i)
  view.setUint32(4, h, true)
  bytes.fill(0x20, 8, 8 + h)
  bytes.set(json, 8)
  rows.forEach((r, i) => {
    uuidToBytes(r.id, bytes, offIds + 16 * i)
    view.setFloat32(offPos + 8 * i, r.lon, true)
    view.setFloat32(offPos + 8 * i + 4, r.lat, true)
    view.setUint16(offCounts + 2 * i, Math.min(65535, r.report_count), true)
    bytes[offCats + i] = catIndex.get(r.category_code)!
    bytes[offFlags + i] = flagsOf(r.priority, r.is_emergency, r.breached, r.red)
  })
  return bytes
}

/** Reads the block without copying the arrays (views over the one buffer). */
export function decodeTickets(buf: ArrayBuffer): TicketColumns {
  const bytes = new Uint8Array(buf)
  const magic = String.fromCharCode(...bytes.subarray(0, 4))
  if (magic !== TICKETS_MAGIC) throw new Error(`not a ticket block (magic ${JSON.stringify(magic)})`)
  const h = new DataView(buf).getUint32(4, true)
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + h))) as TicketsHeader
  const n = header.count
  const offIds = 8 + h
  const offPos = offIds + 16 * n
  const offCounts = offPos + 8 * n
  const offCats = offCounts + pad4(2 * n)
  const offFlags = offCats + n
  if (buf.byteLength < offFlags + n) throw new Error('ticket block is truncated')
  return {
    header,
    ids: new Uint8Array(buf, offIds, 16 * n),
    positions: new Float32Array(buf, offPos, 2 * n),
    counts: new Uint16Array(buf, offCounts, n),
    categories: new Uint8Array(buf, offCats, n),
    flags: new Uint8Array(buf, offFlags, n),
  }
}
