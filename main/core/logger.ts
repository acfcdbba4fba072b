import fs from 'node:fs'
import path from 'node:path'
import { redactSecrets } from './redact'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface LogRecord {
  level: LogLevel
  time: string
  scope: string
  message: string
  fields?: Record<string, unknown>
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  child(scope: string): Logger
}

export interface LoggerOptions {
  level?: LogLevel
  /** Folder for `scoreline.log` (one JSON object per line). */
  dir?: string | null
  /** Readable lines on stderr. */
  terminal?: boolean
  secrets?: () => readonly string[]
  sink?: (record: LogRecord) => void
}

/** Structured logging: JSON lines in a file, readable lines in the terminal, secrets removed. */
export function createLogger(scope: string, options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? (process.env.SCORELINE_LOG_LEVEL as LogLevel) ?? 'info'] ?? ORDER.info
  let file: number | null = null
  if (options.dir) {
    try {
      fs.mkdirSync(options.dir, { recursive: true })
      file = fs.openSync(path.join(options.dir, 'scoreline.log'), 'a')
    } catch {
      file = null
    }
  }
  const write = (scopeName: string, level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return
    const secrets = options.secrets?.() ?? []
    const record: LogRecord = {
      level,
      time: new Date().toISOString(),
      scope: scopeName,
      message: redactSecrets(message, secrets),
      ...(fields ? { fields: JSON.parse(redactSecrets(JSON.stringify(fields), secrets)) } : {}),
    }
    if (file !== null) fs.writeSync(file, JSON.stringify(record) + '\n')
    if (options.terminal) {
      process.stderr.write(
        `${record.time} ${level.toUpperCase().padEnd(5)} [${scopeName}] ${record.message}\n`,
      )
    }
    options.sink?.(record)
  }
  const make = (scopeName: string): Logger => ({
    debug: (m, f) => write(scopeName, 'debug', m, f),
    info: (m, f) => write(scopeName, 'info', m, f),
    warn: (m, f) => write(scopeName, 'warn', m, f),
    error: (m, f) => write(scopeName, 'error', m, f),
    child: (child) => make(`${scopeName}:${child}`),
  })
  return make(scope)
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}
