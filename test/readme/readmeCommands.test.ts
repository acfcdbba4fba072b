// Every `scoreline …` command README.md shows (code spans and code blocks) exists: its command path
// answers `--help`, and every flag it names is an option of that command. A renamed command or flag
// fails here instead of in a new user's terminal.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { rootCommand } from '../../main/cli'
import { SERVICE_OPTIONS, type Command } from '../../main/cli/framework'
import { runCli } from '../support/cli'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The `scoreline …` command lines of a Markdown text: inline code spans and lines of fenced blocks. */
export function readmeCommands(markdown: string): string[] {
  const snippets: string[] = []
  const fence = /^```[^\n]*\n([\s\S]*?)^```/gm
  for (const block of markdown.matchAll(fence))
    snippets.push(...block[1].replace(/\\\n\s*/g, ' ').split('\n'))
  const prose = markdown.replace(fence, '')
  for (const span of prose.matchAll(/`([^`\n]+)`/g)) snippets.push(span[1])
  const commands: string[] = []
  for (const snippet of snippets) {
    for (const m of snippet
      .replace(/\\\|/g, '|')
      .matchAll(
        /(?:(?:^|[\s(;&|])(?:npx )?scoreline|bin\/scoreline\.mjs) ((?:[a-z-][a-z-]*)(?:\|[a-z][a-z-]*)*(?=[\s[\]]|$).*)/g,
      ))
      commands.push(`scoreline ${m[1].split(/\s+#/)[0].trim().replace(/\s+/g, ' ')}`)
  }
  return [...new Set(commands)]
}

async function loaded(command: Command): Promise<Command> {
  return command.load ? command.load() : command
}

/** The command paths a line names (`runs list|compare` is two) and the flags it uses. */
async function resolve(
  line: string,
): Promise<{ paths: { path: string[]; command: Command | null }[]; flags: string[] }> {
  const tokens = line.split(/\s+/).slice(1)
  let frontier: { path: string[]; command: Command | null }[] = [
    { path: [], command: await loaded(rootCommand) },
  ]
  for (const token of tokens) {
    if (!/^[a-z][a-z-]*(\|[a-z][a-z-]*)*$/.test(token)) break
    if (!frontier.every((f) => f.command?.subcommands?.length)) break
    const next: typeof frontier = []
    for (const f of frontier)
      for (const name of token.split('|')) {
        const sub = f.command!.subcommands!.find((c) => c.name === name)
        next.push({ path: [...f.path, name], command: sub ? await loaded(sub) : null })
      }
    frontier = next
  }
  const flags = [...line.matchAll(/(?:^|[\s[|(])--([a-z][a-z0-9-]*)/g)].map((m) => m[1])
  return { paths: frontier, flags }
}

/** A flag the command accepts: its own, a common one, or `--version` of `scoreline` itself. */
function knownFlag(paths: { path: string[]; command: Command | null }[], flag: string): boolean {
  return paths.some(
    ({ path: commandPath, command }) =>
      flag in (command?.options ?? {}) ||
      flag in SERVICE_OPTIONS ||
      ['help', 'json'].includes(flag) ||
      (flag === 'version' && commandPath.length === 0),
  )
}

describe('README commands', () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const lines = readmeCommands(readme)

  it('finds the commands README.md shows', () => {
    expect(lines.length).toBeGreaterThan(15)
    expect(
      readmeCommands('run `npx scoreline data sync --full`\n```sh\nscoreline info \\\n  --json\n```\n'),
    ).toEqual(['scoreline info --json', 'scoreline data sync --full'])
  })

  it.each(lines)('%s', async (line) => {
    const { paths, flags } = await resolve(line)
    for (const { path: commandPath, command } of paths) {
      const help = await runCli([...commandPath, '--help'])
      expect(help.code, `${line}: \`scoreline ${commandPath.join(' ')} --help\` says ${help.stderr}`).toBe(0)
      expect(command, line).not.toBeNull()
    }
    for (const flag of flags) {
      const known = knownFlag(paths, flag)
      expect(
        known,
        `${line}: --${flag} is not an option of scoreline ${paths.map((p) => p.path.join(' ')).join(' | ')}`,
      ).toBe(true)
    }
  })

  it('fails on a command or a flag that does not exist', async () => {
    const [unknown] = (await resolve('scoreline data frobnicate')).paths
    expect(unknown.command).toBeNull()
    expect((await runCli([...unknown.path, '--help'])).code).toBe(1)
    const { paths, flags } = await resolve('scoreline data status --bogus')
    expect(flags).toEqual(['bogus'])
    expect('bogus' in (paths[0].command?.options ?? {})).toBe(false)
  })
})

describe('deploy/trainer: the pipeline on a timer without a desktop', () => {
  const dir = path.join(repoRoot, 'deploy', 'trainer')
  const read = (file: string) => readFileSync(path.join(dir, file), 'utf8')
  /** Every command a deploy file runs (shell lines, ExecStart= lines, YAML block scalars). */
  const commandsOf = (text: string) =>
    readmeCommands(
      ['```sh', ...text.split('\n').map((l) => l.replace(/^\s*(Exec\w*=)?/, '')), '```'].join('\n'),
    )

  it('the systemd service syncs, then runs the pipeline only when due; the timer starts it persistently', () => {
    const service = read('scoreline-trainer.service')
    expect(commandsOf(service)).toEqual(['scoreline data sync', 'scoreline pipeline run --due'])
    expect(service).toMatch(/^Type=oneshot$/m)
    expect(service).toMatch(/^EnvironmentFile=\/etc\/scoreline\/trainer\.env$/m)
    const timer = read('scoreline-trainer.timer')
    expect(timer).toMatch(/^Persistent=true$/m)
    expect(timer).toMatch(/^OnCalendar=/m)
    // the env file names the variables the CLI reads (README, Configuration)
    const env = read('trainer.env.example')
    for (const name of ['SCORELINE_HOME', 'DATABASE_URL', 'REDIS_URL', 'MLFLOW_TRACKING_URI'])
      expect(env).toMatch(new RegExp(`^${name}=`, 'm'))
  })

  it('the Kubernetes CronJob runs node with the checkout, one at a time, keeping the data folder', () => {
    const yaml = read('cronjob.yaml')
    expect(commandsOf(yaml)).toEqual([
      'scoreline --version',
      'scoreline data sync',
      'scoreline pipeline run --due',
    ])
    expect(yaml).toMatch(/^kind: CronJob$/m)
    expect(yaml).toMatch(/concurrencyPolicy: Forbid/)
    expect(yaml).toMatch(/image: node:20-bookworm-slim/)
    expect(yaml).toMatch(/name: SCORELINE_HOME, value: \/srv\/data/)
  })

  it.each(readdirSync(dir).flatMap((file) => commandsOf(read(file)).map((line) => [file, line] as const)))(
    '%s: %s exists with its flags',
    async (_file, line) => {
      const { paths, flags } = await resolve(line)
      for (const { path: commandPath, command } of paths) {
        expect(command, line).not.toBeNull()
        expect((await runCli([...commandPath, '--help'])).code, line).toBe(0)
      }
      for (const flag of flags) expect(knownFlag(paths, flag), `${line}: --${flag}`).toBe(true)
    },
  )
})
