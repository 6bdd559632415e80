import { createHash } from 'node:crypto'
import exifr from 'exifr'
import { fileTypeFromBuffer } from 'file-type'
import sharp, { type OutputInfo } from 'sharp'
import { AppError } from '../http/errors.js'
import { metadataProblem } from './photo.metadata.js'

/** Types a phone camera or a browser produces that sharp can re-encode here. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const

const DISPLAY_MAX_PX = 2048
const THUMB_PX = 320
// A small file can decode to a huge bitmap: refuse anything over 50 megapixels.
const MAX_INPUT_PIXELS = 50_000_000

export interface ProcessedPhoto {
  contentType: (typeof ACCEPTED_TYPES)[number]
  sha256: string
  display: Buffer
  thumb: Buffer
  width: number
  height: number
  exif: { lat: number; lon: number } | null
  takenAt: Date | null
}

/**
 * Checks a photo by its content (magic bytes, not its name or the client's content type),
 * reads its EXIF position, and makes the copies that are served: auto-rotated, re-encoded
 * as JPEG, every piece of metadata (GPS, camera serial, owner) left behind.
 */
export async function processPhoto(bytes: Buffer, maxBytes: number, name = 'photo'): Promise<ProcessedPhoto> {
  if (bytes.length === 0) throw new AppError(422, 'validation_failed', `${name} is empty`, [{ field: name, message: 'empty file' }])
  if (bytes.length > maxBytes) throw new AppError(413, 'photo_too_large', `${name} is ${bytes.length} bytes; the limit is ${maxBytes}`)
  const type = await fileTypeFromBuffer(bytes)
  if (!type || !(ACCEPTED_TYPES as readonly string[]).includes(type.mime)) {
    throw new AppError(415, 'unsupported_photo_type', `${name} is ${type ? type.mime : 'not an image'}; accepted: ${ACCEPTED_TYPES.join(', ')}`)
  }
  // Before sharp and exifr see it: their EXIF parsers follow IFD pointers without bound (photo.metadata.ts).
  const problem = metadataProblem(bytes, type.mime)
  if (problem) throw new AppError(422, 'photo_metadata_refused', `${name}: ${problem}`, [{ field: name, message: problem }])
  let display: { data: Buffer; info: OutputInfo }
  let thumb: Buffer
  try {
    const base = () => sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).rotate()
    display = await base()
      .resize({ width: DISPLAY_MAX_PX, height: DISPLAY_MAX_PX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer({ resolveWithObject: true })
    thumb = await base().resize({ width: THUMB_PX, height: THUMB_PX, fit: 'cover' }).jpeg({ quality: 75 }).toBuffer()
  } catch (err) {
    throw new AppError(415, 'unreadable_photo', `${name} could not be decoded as ${type.mime}: ${(err as Error).message}`)
  }
  const meta = await readExif(bytes)
  return {
    contentType: type.mime as ProcessedPhoto['contentType'],
    sha256: createHash('sha256').update(bytes).digest('hex'),
    display: display.data,
    thumb,
    width: display.info.width,
    height: display.info.height,
    ...meta,
  }
}

async function readExif(bytes: Buffer): Promise<{ exif: { lat: number; lon: number } | null; takenAt: Date | null }> {
  try {
    const tags = (await exifr.parse(bytes, { tiff: true, exif: true, gps: true, xmp: false, icc: false, iptc: false })) as
      | { latitude?: number; longitude?: number; DateTimeOriginal?: Date; CreateDate?: Date }
      | undefined
    const lat = tags?.latitude
    const lon = tags?.longitude
    const ok = typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)
    const taken = tags?.DateTimeOriginal ?? tags?.CreateDate
    return { exif: ok ? { lat, lon } : null, takenAt: taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken : null }
  } catch {
    // Broken EXIF is common and harmless: the photo itself decoded.
    return { exif: null, takenAt: null }
  }
}
