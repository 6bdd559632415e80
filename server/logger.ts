export type Level = 'silent' | 'error' | 'info' | 'debug'
const ORDER: Record<Level, number> = { silent: 0, error: 1, info: 2, debug: 3 }

export interface Logger {
  error(msg: string): void
  info(msg: string): void
  debug(msg: string): void
}

/**
 * Plain line logger to stderr. Callers pass messages, never request bodies: reporter names,
 * phone numbers and NIK must not reach the logs.
 */
export function createLogger(level: Level): Logger {
  const at = (l: Level) => (msg: string) => {
    if (ORDER[l] <= ORDER[level]) process.stderr.write(`${new Date().toISOString()} ${l.padEnd(5)} ${msg}\n`)
  }
  return { error: at('error'), info: at('info'), debug: at('debug') }
}
