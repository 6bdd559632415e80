import type { Executor, Photo } from '../db/database.js'


export async function photosOf(db: Executor, target: { reportId?: string; incidentId?: string }): Promise<Photo[]> {
  let q = db.selectFrom('photos').selectAll()
  if (target.reportId) q = q.where('report_id', '=', target.reportId)
  // An incident's photos: its own (ticket updates) and those of its reports.
  if (target.incidentId) {
    const id = target.incidentId
    q = q.where((eb) =>
      eb.or([eb('incident_id', '=', id), eb('report_id', 'in', eb.selectFrom('reports').select('id').where('incident_id', '=', id))]),
    )
  }
  return q.orderBy('created_at').orderBy('id').execute()
}

export async function findPhoto(db: Executor, id: string): Promise<Photo | undefined> {
  return db.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function photoCount(db: Executor, target: { reportId?: string; incidentId?: string }): Promise<number> {
  let q = db.selectFrom('photos').select((eb) => eb.fn.countAll<number>().as('n'))
  if (target.reportId) q = q.where('report_id', '=', target.reportId)
  if (target.incidentId) q = q.where('incident_id', '=', target.incidentId).where('report_id', 'is', null)
  return Number((await q.executeTakeFirstOrThrow()).n)
}
