import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'

export function categoryRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const cats = await c.var.deps.categories.all()
    return c.json({
      categories: cats
        .filter((x) => x.active)
        .map((x) => ({ code: x.code, name: x.name_id, name_en: x.name_en, group: x.grp, color: x.color })),
    })
  })
}
