import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** ../shared/data/id beside the repository; absent on a clone outside the workspace. */
export const SHARED_ID = join(import.meta.dirname, '../../../shared/data/id')
export const HAVE_SHARED = existsSync(SHARED_ID)
export const sharedFile = (name: string) => join(SHARED_ID, name)
/** Use as `describe.skipIf(!HAVE_SHARED)(...)`; the message says what is missing. */
if (!HAVE_SHARED) console.warn(`[skip] ../shared/data/id not found at ${SHARED_ID}: tests on real boundaries are skipped`)
