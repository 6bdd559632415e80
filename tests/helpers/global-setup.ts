import { rmSync } from 'node:fs'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { prepareTemplate } from './template.js'

/** Migrates one template database per run; each test file then starts from a copy of it. */
export default async function setup(project: TestProject) {
  const template = await prepareTemplate()
  project.provide('dbTemplate', template)
  return async () => {
    const url = process.env.DATABASE_URL
    if (!url) return rmSync(template, { force: true })
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)
    await admin.end()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: string
  }
}
