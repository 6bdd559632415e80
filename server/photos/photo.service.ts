import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { photoCount } from './photo.repository.js'
import { processPhoto, type ProcessedPhoto } from './photo.process.js'
import { photoStore } from './photo.store.js'
import { displayKey, photoView, thumbKey, type PhotoView } from './photo.view.js'

export const MAX_PHOTOS_PER_REPORT = 10
export const MAX_PHOTOS_PER_INCIDENT = 50

export type PhotoTarget = { reportId: string } | { incidentId: string; updateRef?: string }

export interface AttachedPhoto extends PhotoView {
  /** Where the photo says it was taken (EXIF GPS), offered as a location; never served. */
  exif_location: { lat: number; lon: number } | null
  /** true when this exact file was attached to the same target before (a retried upload). */
  duplicate: boolean
}

export interface PhotoFile {
  name: string
  bytes: Buffer
}

/** Checks every file first: one bad file in an upload rejects the upload and stores nothing. */
export async function checkPhotos(deps: Deps, files: PhotoFile[]): Promise<ProcessedPhoto[]> {
  return Promise.all(files.map((f) => processPhoto(f.bytes, deps.config.SIGAP_PHOTO_MAX_BYTES, f.name)))
}

/**
 * Attaches photos to a report, or to an incident (optionally to one ticket update, which the
 * tickets module names with `updateRef`). The served copies are stored first, then the rows
 * and a `photo.added` event per photo in one transaction. Idempotent per file content.
 */
export async function attachPhotos(deps: Deps, target: PhotoTarget, files: PhotoFile[] | ProcessedPhoto[], source: string): Promise<AttachedPhoto[]> {
  const db = deps.db.db
  const processed = files.length && 'bytes' in files[0]! ? await checkPhotos(deps, files as PhotoFile[]) : (files as ProcessedPhoto[])
  const reportId = 'reportId' in target ? target.reportId : null
  const incidentId = 'incidentId' in target ? target.incidentId : null
  const updateRef = 'incidentId' in target ? (target.updateRef ?? null) : null
  const exists = reportId
    ? await db.selectFrom('reports').select('id').where('id', '=', reportId).executeTakeFirst()
    : await db.selectFrom('incidents').select('id').where('id', '=', incidentId!).executeTakeFirst()
  if (!exists) throw notFound(reportId ? `Report ${reportId}` : `Incident ${incidentId}`)
  const limit = reportId ? MAX_PHOTOS_PER_REPORT : MAX_PHOTOS_PER_INCIDENT
  const have = await photoCount(db, reportId ? { reportId } : { incidentId: incidentId! })
  if (have + processed.length > limit) throw new AppError(422, 'too_many_photos', `At most ${limit} photos; this one has ${have}`)

  const store = photoStore(deps)
  const ids = processed.map(() => randomUUID())
  await Promise.all(
    processed.flatMap((p, i) => [store.put(displayKey(ids[i]!), p.display, 'image/jpeg'), store.put(thumbKey(ids[i]!), p.thumb, 'image/jpeg')]),
  )
  const out = await db.transaction().execute(async (trx) => {
    const res: AttachedPhoto[] = []
    for (const [i, p] of processed.entries()) {
      const row = await trx
        .insertInto('photos')
        .values({
          id: ids[i]!,
          report_id: reportId,
          incident_id: incidentId,
          update_ref: updateRef,
          source,
          content_type: p.contentType,
          bytes: p.display.length,
          width: p.width,
          height: p.height,
          sha256: p.sha256,
          exif_lat: p.exif?.lat ?? null,
          exif_lon: p.exif?.lon ?? null,
          taken_at: p.takenAt,
        })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst()
      if (row) {
        await appendEvent(trx, 'photo.added', { ...photoView(row), source })
        res.push({ ...photoView(row), exif_location: p.exif, duplicate: false })
        continue
      }
      // The same file again: answer with the photo stored the first time.
      const earlier = await trx
        .selectFrom('photos')
        .selectAll()
        .where('sha256', '=', p.sha256)
        .$if(reportId !== null, (q) => q.where('report_id', '=', reportId!))
        .$if(reportId === null, (q) =>
          q.where('incident_id', '=', incidentId!).where('report_id', 'is', null).where(sql`coalesce(update_ref, '')`, '=', updateRef ?? ''),
        )
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
      res.push({ ...photoView(earlier), exif_location: p.exif, duplicate: true })
    }
    return res
  })
  // Copies written for files that turned out to be duplicates are not referenced by any row.
  await Promise.all(out.flatMap((p, i) => (p.duplicate ? [store.delete(displayKey(ids[i]!)), store.delete(thumbKey(ids[i]!))] : [])))
  if (out.some((p) => !p.duplicate)) deps.feed.poke()
  return out
}
