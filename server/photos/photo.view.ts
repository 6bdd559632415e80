import type { Photo } from '../db/database.js'

export interface PhotoView {
  id: string
  report_id: string | null
  incident_id: string | null
  update_ref: string | null
  width: number
  height: number
  url: string
  thumb_url: string
  taken_at: string | null
  created_at: string
}

/**
 * A photo as JSON. The EXIF position is not part of it: only the uploader's answer offers it
 * (as a location for the report), the served copies carry no metadata at all.
 */
export function photoView(p: Photo): PhotoView {
  return {
    id: p.id,
    report_id: p.report_id,
    incident_id: p.incident_id,
    update_ref: p.update_ref,
    width: p.width,
    height: p.height,
    url: `/api/photos/${p.id}`,
    thumb_url: `/api/photos/${p.id}/thumb`,
    taken_at: p.taken_at ? p.taken_at.toISOString() : null,
    created_at: p.created_at.toISOString(),
  }
}

export const displayKey = (id: string) => `${id}/display.jpg`
export const thumbKey = (id: string) => `${id}/thumb.jpg`
