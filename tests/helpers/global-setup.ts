import type { TestProject } from 'vitest/node'
import { prepareTemplate } from './template.js'

/** Migrates one template database per run; each test file then starts from a copy of it. */
export default async function setup(project: TestProject) {
  const template = await prepareTemplate()
  project.provide('dbTemplate', template)
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate: string
  }
}
