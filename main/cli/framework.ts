import { parseArgs, type ParseArgsConfig } from 'node:util'
import { diceSimilarity } from '../services/data/teams/normalizeTeamName'

// This module is loaded by every start of the CLI: it imports nothing heavy (no zod, no services), so
// `scoreline --help` and a mistyped command answer before any command's module is loaded.

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
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
  /** Sub-commands (e.g. `data migrate`); when present, `run` is optional. */
  subcommands?: Command[]
  run?(ctx: CommandContext): Promise<number | void> | number | void
  /**
   * A command listed by name and summary only (commands/index.ts): `load` imports the real command when
   * it runs or shows its help, so the CLI starts without loading every command's services.
   */
  load?: () => Promise<Command>
  /** Accepted but not listed in the parent's help (an old spelling kept as an alias). */
  hidden?: boolean
}

/** A mistake the user can fix (bad flag, missing file): exit code 1 with the message. */
export class UserError extends Error {
  readonly code: string
  constructor(message: string, code = 'USAGE') {
    super(message)
    this.code = code
  }
}

/**
 * Flags every command accepts (they override the environment); the commands that open the app's
 * services read them, the others ignore them. Listed under "Common options" in every `--help`.
 */
export const SERVICE_OPTIONS = {
  home: { type: 'string', description: 'Data folder (overrides SCORELINE_HOME)', valueName: 'dir' },
  postgres: { type: 'string', description: 'Postgres URL (overrides DATABASE_URL)', valueName: 'url' },
  redis: { type: 'string', description: 'Redis URL (overrides REDIS_URL)', valueName: 'url' },
  mlflow: {
    type: 'string',
    description: 'MLflow tracking URI (overrides MLFLOW_TRACKING_URI)',
    valueName: 'uri',
  },
  offline: {
    type: 'boolean',
    description: 'Never touch the network: local stores only (overrides SCORELINE_OFFLINE and the setting)',
  },
} as const satisfies Record<string, OptionSpec>

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'Show help for this command' },
  json: { type: 'boolean', description: 'Machine-readable JSON output' },
}

const COMMON_OPTIONS: Record<string, OptionSpec> = { ...SERVICE_OPTIONS, ...GLOBAL_OPTIONS }

/** The command's own options, without the common ones (which every help lists in their own section). */
function ownOptions(command: Command): [string, OptionSpec][] {
  return Object.entries(command.options ?? {}).filter(([name]) => !(name in COMMON_OPTIONS))
}

function optionLines(options: [string, OptionSpec][], indent = '  '): string[] {
  const rendered = options.map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.valueName ?? name}>` : ''}`
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const
  })
  const width = Math.max(0, ...rendered.map(([flag]) => flag.length))
  return rendered.map(([flag, description]) => `${indent}${flag.padEnd(width)}  ${description}`)
}

/**
 * The help of a command. A group (`data`, `pipeline`) lists each sub-command with its usage and its own
 * options; the root lists the commands by summary. Every help ends with the common options.
 */
export function formatHelp(command: Command, path: string[]): string {
  const prefix = ['scoreline', ...path].join(' ')
  const lines = [`${command.summary}`, '', `Usage: ${prefix} ${command.usage}`.trimEnd()]
  const listed = (command.subcommands ?? []).filter((c) => !c.hidden)
  if (listed.length && path.length === 0) {
    lines.push('', 'Commands:')
    const width = Math.max(...listed.map((c) => c.name.length))
    for (const sub of listed) lines.push(`  ${sub.name.padEnd(width)}  ${sub.summary}`)
    const hidden = (command.subcommands ?? []).filter((c) => c.hidden)
    if (hidden.length)
      lines.push(
        '',
        `Older spellings, still accepted: ${hidden.map((c) => c.name).join(', ')} (now under \`data\`).`,
      )
    lines.push('', `Run \`scoreline <command> --help\` for a command's options.`)
  } else if (listed.length) {
    lines.push('', 'Commands:')
    for (const sub of listed) {
      lines.push('', `  ${prefix} ${sub.name} ${sub.usage}`.trimEnd(), `      ${sub.summary}`)
      if (sub.subcommands?.length)
        lines.push(
          `      sub-commands: ${sub.subcommands
            .filter((c) => !c.hidden)
            .map((c) => c.name)
            .join(', ')}`,
        )
      lines.push(...optionLines(ownOptions(sub), '    '))
    }
  }
  const own = ownOptions(command)
  if (own.length) lines.push('', 'Options:', ...optionLines(own))
  lines.push('', 'Common options (every command):', ...optionLines(Object.entries(COMMON_OPTIONS)))
  return lines.join('\n') + '\n'
}

export interface RunOptions {
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
  env?: NodeJS.ProcessEnv
}

async function loaded(command: Command): Promise<Command> {
  return command.load ? await command.load() : command
}

/** The closest of `names` to a mistyped one, if any is close enough to suggest. */
export function closestName(typed: string, names: readonly string[]): string | null {
  let best: { name: string; score: number } | null = null
  for (const name of names) {
    const score = name.startsWith(typed) || typed.startsWith(name) ? 0.9 : diceSimilarity(typed, name)
    if (score >= 0.5 && (!best || score > best.score)) best = { name, score }
  }
  return best?.name ?? null
}

/**
 * Node's parseArgs reads `--xi -1` as a missing value followed by an unknown flag: a number starting
 * with a minus sign after a flag that takes a value is that flag's value.
 */
function joinNegativeValues(args: string[], options: Record<string, OptionSpec>): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const name = arg.startsWith('--') ? arg.slice(2) : null
    const next = args[i + 1]
    if (name && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`)
      i++
    } else out.push(arg)
  }
  return out
}

/** parseArgs' error as a sentence naming the flag and what it expects. */
function usageErrorMessage(
  error: Error & { code?: string },
  options: Record<string, OptionSpec>,
  commandLine: string,
): string {
  const flag = /'(-{1,2}[^' <]+)/.exec(error.message)?.[1] ?? ''
  const name = flag.replace(/^-+/, '')
  const spec = options[name] ?? Object.entries(options).find(([, s]) => s.short === name)?.[1]
  const form = spec && spec.type === 'string' ? ` <${spec.valueName ?? name}>` : ''
  const help = `Run \`${commandLine} --help\`.`
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const near = closestName(name, Object.keys(options))
    return `Unknown option '${flag}' for \`${commandLine}\`${near ? ` (did you mean --${near}?)` : ''}. ${help}`
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(error.message)) return `${flag} takes no value. ${help}`
    if (/ambiguous/.test(error.message))
      return `${flag} needs a value (${flag}${form}); to give one that starts with "-", write ${flag}=<value>. ${help}`
    return `${flag} needs a value (${flag}${form}). ${help}`
  }
  return `${error.message}. ${help}`
}

/**
 * Runs the CLI: resolves the (sub)command, parses its flags strictly, and maps failures to exit
 * codes: 0 success, 1 user error (bad usage or a typed error the user can act on), 2 internal error.
 */
export async function runCommand(root: Command, argv: string[], io: RunOptions = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout
  const stderr = io.stderr ?? process.stderr
  const env = io.env ?? process.env
  const json = argv.includes('--json')
  let command = root
  const path: string[] = []
  let rest = argv
  try {
    command = await loaded(command)
    while (command.subcommands?.length && rest.length > 0 && !rest[0].startsWith('-')) {
      const next = command.subcommands.find((c) => c.name === rest[0])
      if (!next) {
        const near = closestName(
          rest[0],
          command.subcommands.map((c) => c.name),
        )
        const here = ['scoreline', ...path].join(' ')
        throw new UserError(
          `Unknown command "${[...path, rest[0]].join(' ')}"${near ? ` (did you mean \`${here} ${near}\`?)` : ''}. Run \`${here} --help\`.`,
        )
      }
      command = await loaded(next)
      path.push(next.name)
      rest = rest.slice(1)
    }
  } catch (error) {
    return reportError(error, json, stdout, stderr)
  }
  const commandLine = ['scoreline', ...path].join(' ')
  const options = { ...COMMON_OPTIONS, ...(command.options ?? {}) }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, options),
      options: stripDescriptions(options),
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    return reportError(
      new UserError(usageErrorMessage(error as Error, options, commandLine)),
      json,
      stdout,
      stderr,
    )
  }
  if (parsed.values.help || !command.run) {
    if (!parsed.values.help && parsed.positionals.length > 0 && command.subcommands?.length) {
      return reportError(
        new UserError(
          `Unknown command "${[...path, parsed.positionals[0]].join(' ')}". Run \`${commandLine} --help\`.`,
        ),
        json,
        stdout,
        stderr,
      )
    }
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
      if (json || !human) stdout.write(JSON.stringify(value, null, 2) + '\n')
      // names and texts in a result come from users' files: their control bytes are shown, not obeyed
      else stdout.write(escapeControls(human(value as never)))
    },
  }
  try {
    const code = await command.run(ctx)
    return typeof code === 'number' ? code : 0
  } catch (error) {
    return reportError(error, json, stdout, stderr, { values: ctx.values, options })
  }
}

/** Forms the contract's patterns stand for, in the words a user types. */
const PATTERN_FORMS: Record<string, string> = {
  '^\\d{4}-\\d{2}-\\d{2}$': 'YYYY-MM-DD',
  '^\\d{4}-\\d{2}$': 'a season like 2023-24',
  '^\\d+$': 'a whole number',
}

/** What a contract issue expects, without the field path or a regular expression. */
function expectedForm(message: string): string {
  const pattern = /must match pattern \/(.*)\/[a-z]*$/.exec(message)
  if (pattern) return PATTERN_FORMS[pattern[1]] ?? 'in the form its --help shows'
  return message.replace(/^(Invalid input|Invalid string|Invalid value): /i, '').replace(/^expected /, '')
}

const kebab = (field: string) => field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

/**
 * A contract validation error (INVALID_INPUT, issues with field paths) in the command line's words: the
 * flag the field came from, the form it expects and the value given (`--date must be YYYY-MM-DD, got
 * "31/12/2026"`); a field no flag gave is named in plain words. Other errors are left alone.
 */
export function inputErrorMessage(
  error: { code?: unknown; details?: unknown },
  values: CommandContext['values'],
  options: Record<string, OptionSpec>,
): string | null {
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues
  if (error.code !== 'INVALID_INPUT' || !issues?.length) return null
  return issues
    .slice(0, 3)
    .map((issue) => {
      const field = issue.path.split('.')[0]
      const flag = kebab(field)
      const expected = expectedForm(issue.message)
      const given = values[flag]
      if (flag in options && given !== undefined && typeof given !== 'boolean') {
        const shown = Array.isArray(given) ? given.join(', ') : given
        return `--${flag} must be ${expected}, got "${printable(shown, 80)}"`
      }
      const words = field === '(root)' ? 'the input' : kebab(field).replace(/-/g, ' ')
      return `${words}: ${expected}`
    })
    .join('; ')
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

const MAX_ECHO = 300

// C0 and C1 control characters but tab and newline, the replacement character (undecodable bytes), and
// the Unicode line separators
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd\u2028\u2029]/g

/** Control and undecodable characters as visible escapes (`\x1b`, `\ufffd`); tabs and newlines kept. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) =>
    c.charCodeAt(0) < 0x100
      ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`
      : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

/**
 * Text that came from a user's file or argument, safe to print: control and binary bytes escaped
 * (`\x1b`, `\u0000`; tab and newline kept), capped at `max` characters.
 */
export function printable(text: string, max = MAX_ECHO): string {
  const escaped = escapeControls(text)
  return escaped.length > max
    ? `${escaped.slice(0, max)}… (${escaped.length - max} more characters)`
    : escaped
}

/** A missing or unreadable file as one line, instead of Node's `ENOENT: no such file …, open '…'`. */
export function fileErrorMessage(error: { code?: unknown; path?: unknown; message: string }): string | null {
  const file = typeof error.path === 'string' ? error.path : null
  if (!file) return null
  switch (error.code) {
    case 'ENOENT':
      return `No such file or folder: ${file}`
    case 'EACCES':
    case 'EPERM':
      return `Not allowed to read ${file} (permission denied)`
    case 'EISDIR':
      return `${file} is a folder, not a file`
    case 'ENOTDIR':
      return `${file}: a part of the path is not a folder`
    default:
      return null
  }
}

async function reportError(
  error: unknown,
  json: boolean,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  command?: { values: CommandContext['values']; options: Record<string, OptionSpec> },
): Promise<number> {
  const fileMessage = error instanceof Error ? fileErrorMessage(error as Error & { code?: unknown }) : null
  let shape =
    error instanceof UserError
      ? { code: error.code, message: error.message }
      : fileMessage
        ? { code: 'ENOENT', message: fileMessage }
        : (await import('../core/appError')).toApiErrorShape(error)
  const inputMessage = command && inputErrorMessage(shape, command.values, command.options)
  if (inputMessage) shape = { ...shape, message: inputMessage }
  const code = (error as { code?: unknown })?.code
  const userError =
    error instanceof UserError || fileMessage !== null || (typeof code === 'string' && isUserError(code))
  if (json) stdout.write(JSON.stringify({ error: shape }, null, 2) + '\n')
  else {
    stderr.write(`error: ${printable(shape.message, 2000)}\n`)
    if (!userError && error instanceof Error && error.stack && process.env.SCORELINE_DEBUG)
      stderr.write(error.stack + '\n')
  }
  return userError ? 1 : 2
}
