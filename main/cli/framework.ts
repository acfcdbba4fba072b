import { parseArgs, type ParseArgsConfig } from 'node:util'
import { toApiErrorShape } from '../core/appError'

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  description: string
  valueName?: string
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>
  positionals: string[]
  json: boolean
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  /** Print a result: JSON with `--json`, otherwise the human rendering. */
  output(value: unknown, human?: (value: never) => string): void
}

export interface Command {
  name: string
  summary: string
  usage: string
  options?: Record<string, OptionSpec>
  /** Sub-commands (e.g. `db migrate`); when present, `run` is optional. */
  subcommands?: Command[]
  run?(ctx: CommandContext): Promise<number | void> | number | void
}

/** A mistake the user can fix (bad flag, missing file): exit code 1 with the message. */
export class UserError extends Error {
  readonly code: string
  constructor(message: string, code = 'USAGE') {
    super(message)
    this.code = code
  }
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'Show help for this command' },
  json: { type: 'boolean', description: 'Machine-readable JSON output' },
}

export function formatHelp(command: Command, path: string[]): string {
  const lines = [
    `${command.summary}`,
    '',
    `Usage: ${['scoreline', ...path].join(' ')} ${command.usage}`.trimEnd(),
  ]
  if (command.subcommands?.length) {
    lines.push('', 'Commands:')
    const width = Math.max(...command.subcommands.map((c) => c.name.length))
    for (const sub of command.subcommands) lines.push(`  ${sub.name.padEnd(width)}  ${sub.summary}`)
  }
  const options = { ...(command.options ?? {}), ...GLOBAL_OPTIONS }
  lines.push('', 'Options:')
  const rendered = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.valueName ?? name}>` : ''}`
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const
  })
  const width = Math.max(...rendered.map(([flag]) => flag.length))
  for (const [flag, description] of rendered) lines.push(`  ${flag.padEnd(width)}  ${description}`)
  return lines.join('\n') + '\n'
}

export interface RunOptions {
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
  env?: NodeJS.ProcessEnv
}

/**
 * Runs the CLI: resolves the (sub)command, parses its flags strictly, and maps failures to exit
 * codes: 0 success, 1 user error (bad usage or a typed error the user can act on), 2 internal error.
 */
export async function runCommand(root: Command, argv: string[], io: RunOptions = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  const env = io.env ?? process.env
  let command = root
  const path: string[] = []
  let rest = argv
  while (command.subcommands?.length && rest.length > 0 && !rest[0].startsWith('-')) {
    const next = command.subcommands.find((c) => c.name === rest[0])
    if (!next) {
      stderr.write(
        `Unknown command "${[...path, rest[0]].join(' ')}". Run \`scoreline ${path.join(' ')} --help\`.\n`.replace(
          '  ',
          ' ',
        ),
      )
      return 1
    }
    command = next
    path.push(next.name)
    rest = rest.slice(1)
  }
  const json = rest.includes('--json')
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...stripDescriptions(command.options ?? {}), ...stripDescriptions(GLOBAL_OPTIONS) },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    return reportError(
      new UserError(`${(error as Error).message}. Run \`scoreline ${path.join(' ')} --help\`.`),
      json,
      stdout,
      stderr,
    )
  }
  if (parsed.values.help || !command.run) {
    stdout.write(formatHelp(command, path))
    return parsed.values.help ? 0 : 1
  }
  const ctx: CommandContext = {
    values: parsed.values as CommandContext['values'],
    positionals: parsed.positionals,
    json,
    stdout,
    stderr,
    env,
    output(value, human) {
      if (json || !human) stdout.write(JSON.stringify(value, null, json ? 2 : 2) + '\n')
      else stdout.write(human(value as never))
    },
  }
  try {
    const code = await command.run(ctx)
    return typeof code === 'number' ? code : 0
  } catch (error) {
    return reportError(error, json, stdout, stderr)
  }
}

function stripDescriptions(options: Record<string, OptionSpec>): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {}
  for (const [name, spec] of Object.entries(options)) {
    const { description: _d, valueName: _v, ...rest } = spec
    out[name] = rest
  }
  return out
}

/** Codes that describe something the user can fix; anything else is an internal error (exit 2). */
const USER_ERROR_CODES = new Set([
  'USAGE',
  'INVALID_INPUT',
  'CSV_PARSE',
  'UNKNOWN_TEAM',
  'SERVICE_UNREACHABLE',
  'MLFLOW_ERROR',
  'DB_TOO_NEW',
  'DB_MIGRATION_CHECKSUM',
  'CONFIG',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'ENOENT',
])

export function isUserError(code: string): boolean {
  return USER_ERROR_CODES.has(code) || /^(MODEL|DATA|IMPORT|SYNC|TRACKING|FEATURES)_/.test(code)
}

function reportError(
  error: unknown,
  json: boolean,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): number {
  const shape =
    error instanceof UserError ? { code: error.code, message: error.message } : toApiErrorShape(error)
  const code = (error as { code?: unknown })?.code
  const userError = error instanceof UserError || (typeof code === 'string' && isUserError(code))
  if (json) stdout.write(JSON.stringify({ error: shape }, null, 2) + '\n')
  else {
    stderr.write(`error: ${shape.message}\n`)
    if (!userError && error instanceof Error && error.stack && process.env.SCORELINE_DEBUG)
      stderr.write(error.stack + '\n')
  }
  return userError ? 1 : 2
}
