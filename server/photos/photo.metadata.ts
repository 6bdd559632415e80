/**
 * A bounded look at a photo's EXIF before any image library parses it. The libraries follow
 * every IFD pointer they find: a 64 KB JPEG whose IFDs point at each other kept libvips busy
 * for minutes. Here every IFD is visited at most once, with caps on their number and size, so
 * the check costs a walk of the bytes; a photo over a cap is refused (422).
 */

/** All EXIF blocks of one photo together. A camera writes a few KB; JPEG's APP1 holds at most 64 KB. */
export const MAX_EXIF_BYTES = 64 * 1024
export const MAX_IFDS = 16
export const MAX_IFD_ENTRIES = 512
export const MAX_TOTAL_ENTRIES = 2048

/** Tags whose value is the offset of another IFD: Exif, GPS, Interoperability, SubIFDs. */
const POINTER_TAGS = new Set([0x8769, 0x8825, 0xa005, 0x014a])

/** Why a photo's metadata is refused, or null when it is within the limits (or has none). */
export function metadataProblem(bytes: Buffer, mime: string): string | null {
  let blocks: Buffer[]
  try {
    blocks = mime === 'image/jpeg' ? jpegExif(bytes) : mime === 'image/png' ? pngExif(bytes) : mime === 'image/webp' ? webpExif(bytes) : []
  } catch (err) {
    return (err as Error).message
  }
  const total = blocks.reduce((n, b) => n + b.length, 0)
  if (total > MAX_EXIF_BYTES) return `EXIF metadata of ${total} bytes (at most ${MAX_EXIF_BYTES})`
  for (const tiff of blocks) {
    const problem = tiffProblem(tiff)
    if (problem) return problem
  }
  return null
}

/** The TIFF structure of each EXIF APP1 segment, up to the image data. */
function jpegExif(b: Buffer): Buffer[] {
  const out: Buffer[] = []
  let i = 2 // after SOI
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1]!
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0xff) {
      i += marker === 0xff ? 1 : 2
      continue
    }
    if (marker === 0xda || marker === 0xd9) break // image data follows: no more metadata segments
    const len = b.readUInt16BE(i + 2)
    if (len < 2) throw new Error('a JPEG segment with a length under 2')
    const body = b.subarray(i + 4, i + 2 + len)
    if (marker === 0xe1 && body.subarray(0, 6).toString('latin1') === 'Exif\0\0') out.push(body.subarray(6))
    i += 2 + len
  }
  return out
}

function pngExif(b: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let i = 8; i + 8 <= b.length; ) {
    const len = b.readUInt32BE(i)
    const type = b.subarray(i + 4, i + 8).toString('latin1')
    if (type === 'eXIf') out.push(b.subarray(i + 8, i + 8 + len))
    if (type === 'IDAT' || type === 'IEND') break
    i += 12 + len
  }
  return out
}

function webpExif(b: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let i = 12; i + 8 <= b.length; ) {
    const len = b.readUInt32LE(i + 4)
    if (b.subarray(i, i + 4).toString('latin1') === 'EXIF') {
      const body = b.subarray(i + 8, i + 8 + len)
      out.push(body.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? body.subarray(6) : body)
    }
    i += 8 + len + (len % 2)
  }
  return out
}

/** Walks the IFDs of one TIFF block: each at most once, within the caps. */
function tiffProblem(t: Buffer): string | null {
  if (t.length < 8) return null // too short to hold any tag: nothing for a parser to follow
  const order = t.subarray(0, 2).toString('latin1')
  if (order !== 'II' && order !== 'MM') return 'EXIF block with an unknown byte order'
  const le = order === 'II'
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o))
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o))
  const seen = new Set<number>()
  const todo = [u32(4)]
  let entries = 0
  while (todo.length) {
    const at = todo.pop()!
    if (at === 0) continue
    if (seen.has(at)) return 'EXIF IFDs that point back at each other (a loop)'
    seen.add(at)
    if (seen.size > MAX_IFDS) return `more than ${MAX_IFDS} EXIF IFDs`
    if (at + 2 > t.length) return 'an EXIF IFD offset outside the block'
    const n = u16(at)
    if (n > MAX_IFD_ENTRIES) return `an EXIF IFD of ${n} entries (at most ${MAX_IFD_ENTRIES})`
    entries += n
    if (entries > MAX_TOTAL_ENTRIES) return `more than ${MAX_TOTAL_ENTRIES} EXIF entries`
    if (at + 2 + n * 12 + 4 > t.length) return 'an EXIF IFD that runs past the block'
    for (let k = 0; k < n; k++) {
      const e = at + 2 + k * 12
      const tag = u16(e)
      if (!POINTER_TAGS.has(tag)) continue
      const count = u32(e + 4)
      // SubIFDs may list several offsets; a count of one holds it in the entry itself.
      if (count === 1) todo.push(u32(e + 8))
      else if (count > 1) {
        const list = u32(e + 8)
        if (count > MAX_IFDS || list + count * 4 > t.length) return 'an EXIF SubIFDs list outside the limits'
        for (let j = 0; j < count; j++) todo.push(u32(list + j * 4))
      }
    }
    todo.push(u32(at + 2 + n * 12))
  }
  return null
}
