import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { jsonResponse } from '../openapi/openapi.registry.js'

const Categories = z.object({ categories: z.array(z.object({ code: z.string(), name: z.string(), name_en: z.string(), group: z.string(), color: z.string() })) })
defineRoute({ method: 'get', path: '/api/categories', tags: ['categories'], summary: 'Active report categories', responses: { '200': jsonResponse('OK', Categories) } })

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
