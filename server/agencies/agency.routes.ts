import { Hono } from 'hono'
import { sql, type Transaction } from 'kysely'
import type { Principal } from '../auth/principal.js'
import type { Agency, Category, Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import type { AppEnv, Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
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

const tags = ['agencies']
defineRoute({ method: 'get', path: '/api/agencies', tags, summary: 'Agencies (OPD)' })
const newAgency = defineRoute({ method: 'post', path: '/api/agencies', tags, summary: 'Create an agency (admin)', body: NewAgency, names: { body: 'agency' } })
const changeAgency = defineRoute({ method: 'patch', path: '/api/agencies/:code', tags, summary: 'Change an agency (admin)', params: CodeParam, body: AgencyPatch, names: { params: 'agency code', body: 'agency change' } })
defineRoute({ method: 'get', path: '/api/catalogue', tags, summary: 'Categories with agency, priority and SLA; routing rules; holidays' })
const newCategory = defineRoute({ method: 'post', path: '/api/catalogue/categories', tags, summary: 'Create a category (admin)', body: NewCategory, names: { body: 'category' } })
const changeCategory = defineRoute({ method: 'patch', path: '/api/catalogue/categories/:code', tags, summary: 'Change a category (admin)', params: CategoryParam, body: CategoryPatch, names: { params: 'category code', body: 'category change' } })
const putRule = defineRoute({ method: 'put', path: '/api/catalogue/routing-rules', tags, summary: 'Route a category in a region to an agency (admin)', body: RoutingRule, names: { body: 'routing rule' } })
const deleteRule = defineRoute({ method: 'delete', path: '/api/catalogue/routing-rules', tags, summary: 'Remove a routing rule (admin)', query: RoutingRuleKey, names: { query: 'routing rule' } })
const putHoliday = defineRoute({ method: 'put', path: '/api/catalogue/holidays', tags, summary: 'Add a public holiday (working-day SLA clocks skip it)', body: Holiday, names: { body: 'holiday' } })
const importHolidays = defineRoute({ method: 'post', path: '/api/catalogue/holidays/import', tags, summary: "Load whole years of holidays (SKB calendar); each year replaces that year's days", body: HolidayCalendar, names: { body: 'holiday calendar' } })
const deleteHoliday = defineRoute({ method: 'delete', path: '/api/catalogue/holidays/:day', tags, summary: 'Remove a public holiday', params: DayParam, names: { params: 'holiday' } })

/** GET /api/agencies (public: names and coverage); admins create and edit. */
export function agencyRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json({ agencies: (await listAgencies(c.var.deps.db.db)).map(agencyView) }))
    .post('/', async (c) => {
      requireAdmin(c.var.principal)
      const a = await newAgency.body(c)
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
      const { code } = changeAgency.params(c)
      const patch = await changeAgency.body(c)
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
      const input = await newCategory.body(c)
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
      const { code } = changeCategory.params(c)
      const patch = await changeCategory.body(c)
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
      const rule = await putRule.body(c)
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
      const key = deleteRule.query(c)
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
      const h = await putHoliday.body(c)
      await change(c.var.deps, c.var.principal, 'holiday', (trx) =>
        trx.insertInto('holidays').values(h).onConflict((oc) => oc.column('day').doUpdateSet({ name: h.name, kind: h.kind })).execute().then(() => h),
      )
      return c.json(h)
    })
    // Whole years at once (the shipped file's format): each year replaces that year's days.
    .post('/holidays/import', async (c) => {
      requireAdmin(c.var.principal)
      const cal = await importHolidays.body(c)
      const years = await change(c.var.deps, c.var.principal, 'holidays_imported', (trx) => importYears(trx, cal.years, 'import'))
      return c.json({ years })
    })
    .delete('/holidays/:day', async (c) => {
      requireAdmin(c.var.principal)
      const { day } = deleteHoliday.params(c)
      await change(c.var.deps, c.var.principal, 'holiday_deleted', async (trx) => {
        const r = await trx.deleteFrom('holidays').where('day', '=', day).executeTakeFirst()
        if (!Number(r.numDeletedRows)) throw notFound(`Holiday ${day}`)
        return { day }
      })
      return c.json({ deleted: day })
    })
}
