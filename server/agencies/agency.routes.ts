import { Hono } from 'hono'
import { sql, type Transaction } from 'kysely'
import type { Principal } from '../auth/principal.js'
import type { Agency, Category, Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import type { AppEnv, Deps } from '../http/context.js'
import { AppError, notFound, parseOr422, readJson } from '../http/errors.js'
import { requireAdmin } from '../users/user.routes.js'
import { findAgency, listAgencies, listRoutingRules } from './agency.repository.js'
import { AgencyCode, AgencyPatch, CategoryCode, CategoryPatch, Holiday, NewAgency, NewCategory, RoutingRule, RoutingRuleKey } from './agency.schema.js'
import { z } from 'zod'
import { importYears } from '../holidays/holiday.calendar.js'
import { HolidayCalendar } from '../holidays/holiday.schema.js'

export function agencyView(a: Agency) {
  return { code: a.code, short_name: a.short_name, name: a.name_id, name_en: a.name_en, region_codes: a.region_codes, active: a.active, sort_order: a.sort_order }
}

export function catalogueCategoryView(c: Category) {
  return {
    code: c.code,
    name: c.name_id,
    name_en: c.name_en,
    group: c.grp,
    color: c.color,
    agency_code: c.agency_code,
    priority: c.priority,
    is_emergency: c.is_emergency,
    sla_response_minutes: c.sla_response_minutes,
    sla_resolve_minutes: c.sla_resolve_minutes,
    sla_working_days: c.sla_working_days,
    lapor_category: c.lapor_category,
    active: c.active,
    sort_order: c.sort_order,
  }
}

const by = (p: Principal) => ({ user_id: p.userId ?? null, role: p.role })

async function requireAgency(deps: Deps, code: string | null | undefined): Promise<void> {
  if (code && !(await findAgency(deps.db.db, code)))
    throw new AppError(422, 'validation_failed', `Unknown agency "${code}"`, [{ field: 'agency_code', message: `unknown agency "${code}"` }])
}

/** A catalogue change: one transaction with its `catalogue.changed` event; then the category cache is dropped. */
async function change<T>(deps: Deps, p: Principal, what: string, run: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  const out = await deps.db.db.transaction().execute(async (trx) => {
    const r = await run(trx)
    await appendEvent(trx, 'catalogue.changed', { what, value: r, by: by(p) })
    return r
  })
  deps.categories.invalidate()
  deps.feed.poke()
  return out
}

const CodeParam = z.object({ code: AgencyCode })
const CategoryParam = z.object({ code: CategoryCode })
const DayParam = z.object({ day: z.iso.date('day is YYYY-MM-DD') })

/** GET /api/agencies (public: names and coverage); admins create and edit. */
export function agencyRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ agencies: (await listAgencies(c.var.deps.db.db)).map(agencyView) }))
    .post('/', async (c) => {
      requireAdmin(c.var.principal)
      const a = parseOr422(NewAgency, await readJson(c), 'agency')
      if (await findAgency(c.var.deps.db.db, a.code)) throw new AppError(409, 'conflict', `Agency "${a.code}" already exists`)
      const row = await change(c.var.deps, c.var.principal, 'agency', (trx) =>
        trx
          .insertInto('agencies')
          .values({ ...a, region_codes: a.region_codes ?? null })
          .returningAll()
          .executeTakeFirstOrThrow()
          .then(agencyView),
      )
      return c.json(row, 201)
    })
    .patch('/:code', async (c) => {
      requireAdmin(c.var.principal)
      const { code } = parseOr422(CodeParam, c.req.param(), 'agency code')
      const patch = parseOr422(AgencyPatch, await readJson(c), 'agency change')
      const row = await change(c.var.deps, c.var.principal, 'agency', async (trx) => {
        const r = await trx.updateTable('agencies').set(patch).where('code', '=', code).returningAll().executeTakeFirst()
        if (!r) throw notFound(`Agency ${code}`)
        return agencyView(r)
      })
      return c.json(row)
    })
}

/**
 * The full catalogue (categories with agency, priority, emergency flag and SLA; routing rules;
 * holidays), public to read; admins edit it. GET /api/categories stays the short public list.
 */
export function catalogueRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const db = c.var.deps.db.db
      const [cats, rules, holidays, years] = await Promise.all([
        db.selectFrom('categories').selectAll().orderBy('sort_order').orderBy('code').execute(),
        listRoutingRules(db),
        sql<{ day: string; name: string; kind: string }>`SELECT day::text AS day, name, kind FROM holidays ORDER BY day`.execute(db),
        db.selectFrom('holiday_years').select(['year', 'status', 'decree', 'origin']).orderBy('year').execute(),
      ])
      return c.json({ categories: cats.map(catalogueCategoryView), routing_rules: rules, holidays: holidays.rows, holiday_years: years })
    })
    .post('/categories', async (c) => {
      requireAdmin(c.var.principal)
      const input = parseOr422(NewCategory, await readJson(c), 'category')
      await requireAgency(c.var.deps, input.agency_code)
      if (await c.var.deps.categories.get(input.code)) throw new AppError(409, 'conflict', `Category "${input.code}" already exists`)
      const row = await change(c.var.deps, c.var.principal, 'category', (trx) =>
        trx
          .insertInto('categories')
          .values({ grp: 'lainnya', color: '#c7c7cc', ...input })
          .returningAll()
          .executeTakeFirstOrThrow()
          .then(catalogueCategoryView),
      )
      return c.json(row, 201)
    })
    .patch('/categories/:code', async (c) => {
      requireAdmin(c.var.principal)
      const { code } = parseOr422(CategoryParam, c.req.param(), 'category code')
      const patch = parseOr422(CategoryPatch, await readJson(c), 'category change')
      await requireAgency(c.var.deps, patch.agency_code)
      const row = await change(c.var.deps, c.var.principal, 'category', async (trx) => {
        const r = await trx.updateTable('categories').set(patch).where('code', '=', code).returningAll().executeTakeFirst()
        if (!r) throw notFound(`Category ${code}`)
        if (r.sla_resolve_minutes < r.sla_response_minutes)
          throw new AppError(422, 'validation_failed', 'Resolution cannot be due before the first response', [
            { field: 'sla_resolve_minutes', message: 'must be at least sla_response_minutes' },
          ])
        return catalogueCategoryView(r)
      })
      return c.json(row)
    })
    .put('/routing-rules', async (c) => {
      requireAdmin(c.var.principal)
      const rule = parseOr422(RoutingRule, await readJson(c), 'routing rule')
      await requireAgency(c.var.deps, rule.agency_code)
      if (!(await c.var.deps.categories.get(rule.category_code)))
        throw new AppError(422, 'validation_failed', `Unknown category "${rule.category_code}"`, [{ field: 'category_code', message: 'unknown category' }])
      const row = await change(c.var.deps, c.var.principal, 'routing_rule', (trx) =>
        trx
          .insertInto('routing_rules')
          .values(rule)
          .onConflict((oc) => oc.columns(['category_code', 'region_code']).doUpdateSet({ agency_code: rule.agency_code }))
          .returningAll()
          .executeTakeFirstOrThrow(),
      )
      return c.json(row)
    })
    .delete('/routing-rules', async (c) => {
      requireAdmin(c.var.principal)
      const key = parseOr422(RoutingRuleKey, c.req.query(), 'routing rule')
      await change(c.var.deps, c.var.principal, 'routing_rule_deleted', async (trx) => {
        const r = await trx
          .deleteFrom('routing_rules')
          .where('category_code', '=', key.category_code)
          .where('region_code', '=', key.region_code)
          .executeTakeFirst()
        if (!Number(r.numDeletedRows)) throw notFound('Routing rule')
        return key
      })
      return c.json({ deleted: key })
    })
    .put('/holidays', async (c) => {
      requireAdmin(c.var.principal)
      const h = parseOr422(Holiday, await readJson(c), 'holiday')
      await change(c.var.deps, c.var.principal, 'holiday', (trx) =>
        trx.insertInto('holidays').values(h).onConflict((oc) => oc.column('day').doUpdateSet({ name: h.name, kind: h.kind })).execute().then(() => h),
      )
      return c.json(h)
    })
    // Whole years at once (the shipped file's format): each year replaces that year's days.
    .post('/holidays/import', async (c) => {
      requireAdmin(c.var.principal)
      const cal = parseOr422(HolidayCalendar, await readJson(c), 'holiday calendar')
      const years = await change(c.var.deps, c.var.principal, 'holidays_imported', (trx) => importYears(trx, cal.years, 'import'))
      return c.json({ years })
    })
    .delete('/holidays/:day', async (c) => {
      requireAdmin(c.var.principal)
      const { day } = parseOr422(DayParam, c.req.param(), 'holiday')
      await change(c.var.deps, c.var.principal, 'holiday_deleted', async (trx) => {
        const r = await trx.deleteFrom('holidays').where('day', '=', day).executeTakeFirst()
        if (!Number(r.numDeletedRows)) throw notFound(`Holiday ${day}`)
        return { day }
      })
      return c.json({ deleted: day })
    })
}
