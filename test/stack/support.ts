/**
 * Helpers for the stack suites: they test what docker-compose.yml runs, here, without a Docker engine.
 *
 * - `composeConfig()` asks Debian's `docker-compose` (or the `docker compose` plugin) for the resolved
 *   model, interpolated from an env file we write, so the tests read the file exactly as Compose does.
 * - `toolOrSkip()` turns a missing binary into a one-line skip, or a failure under
 *   SCORELINE_REQUIRE_SERVICES=1 (CI installs every tool, see .ci/run).
 * - `stackPython()` is the MLflow virtualenv of scripts/mlflow-server.sh plus, on PYTHONPATH, the few
 *   packages the official `-full` image adds that the stack needs (psycopg2, Flask-WTF for basic auth),
 *   pip-installed once into the cache folder beside it.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { servicesRequired } from '../support/services'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const execFileAsync = promisify(execFile)

export const COMPOSE_FILE = 'docker-compose.yml'
export const BASIC_AUTH_FILE = 'deploy/mlflow/basic-auth.compose.yml'

export interface ComposeService {
  image?: string
  command?: string[] | string
  environment?: Record<string, string | null>
  ports?: (string | { target: number; published: string | number; host_ip?: string })[]
  volumes?: (string | { type: string; source: string; target: string; read_only?: boolean })[]
  healthcheck?: { test: string[] | string; interval?: string; retries?: number }
  depends_on?: Record<string, { condition: string }> | string[]
}
/** A volume entry as `source:target[:mode]` fields, whichever form Compose printed. */
export function volumeOf(v: NonNullable<ComposeService['volumes']>[number]): {
  source: string
  target: string
} {
  if (typeof v !== 'string') return { source: v.source, target: v.target }
  const parts = v.split(':')
  const mode = parts.length > 2 && /^(ro|rw|z|Z)$/.test(parts[parts.length - 1]) ? 1 : 0
  return { source: parts.slice(0, parts.length - 1 - mode).join(':'), target: parts[parts.length - 1 - mode] }
}

/** A port entry as host address, host port and container port. */
export function portOf(p: NonNullable<ComposeService['ports']>[number]): {
  hostIp: string
  published: string
  target: string
} {
  if (typeof p !== 'string') {
    return { hostIp: p.host_ip ?? '', published: String(p.published), target: String(p.target) }
  }
  const parts = p.replace(/\/(tcp|udp)$/, '').split(':')
  if (parts.length !== 3) return { hostIp: '', published: parts[0], target: parts[parts.length - 1] }
  return { hostIp: parts[0], published: parts[1], target: parts[2] }
}

export interface ComposeModel {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}

/** A random lower-case suffix for throw-away database and role names. */
export function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `scoreline-${prefix}-`))
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary)
    if (dir && existsSync(candidate)) return candidate
  }
  return undefined
}

/** How to run Compose here: `docker-compose` (Debian's package) or `docker compose`, if any. */
export function composeCommand(): string[] | undefined {
  const standalone = onPath('docker-compose')
  if (standalone) return [standalone]
  const docker = onPath('docker')
  if (docker) {
    try {
      execFileSync(docker, ['compose', 'version'], { stdio: 'ignore' })
      return [docker, 'compose']
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * Whether a tool the suite needs is present. Returns a skip reason (and warns) when it is not, or throws
 * when services are required (CI), so a missing tool can never pass silently there.
 */
export function missingTool(what: string, present: boolean, install: string): string | undefined {
  if (present) return undefined
  const reason = `${what} not found (${install})`
  if (servicesRequired())
    throw new Error(`${reason}; SCORELINE_REQUIRE_SERVICES=1 turns this skip into a failure`)
  console.warn(`[skipped] ${reason}`)
  return reason
}

/** The variables .env.example defines, in order. */
export function envExample(): Map<string, string> {
  const text = readFileSync(path.join(root, '.env.example'), 'utf8')
  const vars = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)
    if (m) vars.set(m[1], m[2])
  }
  return vars
}

/** Writes an env file (KEY=value lines) into a fresh temporary folder and returns its path. */
export function writeEnvFile(vars: Map<string, string> | Record<string, string>): string {
  const entries = vars instanceof Map ? [...vars] : Object.entries(vars)
  const file = path.join(tempDir('env'), '.env')
  writeFileSync(file, entries.map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  return file
}

/**
 * The resolved Compose model for `files` with `envFile`, as `docker compose config` prints it. Runs
 * with a minimal environment so a developer's shell variables cannot change the result.
 */
export function composeConfig(compose: string[], files: string[], envFile: string): ComposeModel {
  const args = [
    ...compose.slice(1),
    '--project-directory',
    root,
    ...files.flatMap((f) => ['-f', path.join(root, f)]),
    '--env-file',
    envFile,
    'config',
  ]
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir() }
  try {
    const json = execFileSync(compose[0], [...args, '--format', 'json'], {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    return JSON.parse(json) as ComposeModel
  } catch {
    // docker-compose 1.x prints YAML only; its own Python has PyYAML (a dependency of the package).
    const yaml = execFileSync(compose[0], args, {
      cwd: root,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const json = execFileSync(
      'python3',
      ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      { input: yaml, encoding: 'utf8' },
    )
    return JSON.parse(json) as ComposeModel
  }
}

/** Compose's `$$` escape, as it reaches the container's shell. */
export function unescapeDollars(text: string): string {
  return text.replace(/\$\$/g, '$')
}

export function commandOf(service: ComposeService): string[] {
  const { command } = service
  if (!Array.isArray(command)) throw new Error('keep the command in array form (the tests read it)')
  return command.map(String)
}

/** The value after `flag` in an argument list. */
export function flagValue(args: string[], flag: string): string {
  const i = args.indexOf(flag)
  if (i < 0 || i + 1 >= args.length) throw new Error(`${flag} not found in ${args.join(' ')}`)
  return args[i + 1]
}

/** Returns a copy of `args` with the values of the given flags replaced. */
export function withFlagValues(args: string[], values: Record<string, string>): string[] {
  const out = [...args]
  for (const [flag, value] of Object.entries(values)) {
    const i = out.indexOf(flag)
    if (i < 0) throw new Error(`${flag} not found in ${args.join(' ')}`)
    out[i + 1] = value
  }
  return out
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; child?: ChildProcess; log?: () => string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  while (Date.now() < deadline) {
    if (opts.child && opts.child.exitCode !== null) {
      throw new Error(`${what}: the process exited with ${opts.child.exitCode}\n${opts.log?.() ?? ''}`)
    }
    if (await check().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`${what}: not ready within ${opts.timeoutMs} ms\n${opts.log?.() ?? ''}`)
}

/** Starts `argv` in its own process group, collecting its output for error messages. */
export function startProcess(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(argv[0], argv.slice(1), { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }, 10_000)
    await exited
    clearTimeout(timer)
  }
  return { child, output: () => output.slice(-4000), stop }
}

/** Versions of the packages the official `mlflow:<v>-full` image brings that the stack relies on. */
const STACK_PY_PACKAGES = ['psycopg2-binary==2.9.11', 'Flask-WTF==1.2.2', 'WTForms==3.2.1']

/**
 * The MLflow virtualenv's python (scripts/mlflow-server.sh installs it) and a PYTHONPATH with the stack's
 * extra packages, installed on first use into the cache folder (never into the shared virtualenv).
 */
export function stackPython(): { python: string; pythonPath: string } {
  const python = execFileSync('bash', [path.join(root, 'scripts/mlflow-server.sh'), 'python'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim()
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'scoreline')
  const key = createHash('sha256').update(STACK_PY_PACKAGES.join(' ')).digest('hex').slice(0, 12)
  const pythonPath = path.join(cache, 'mlflow-stack-pydeps', key)
  if (!existsSync(pythonPath)) {
    // Test files run in parallel: install into a private folder, then rename it into place (atomic);
    // whoever loses the race keeps the winner's copy.
    mkdirSync(path.dirname(pythonPath), { recursive: true })
    const staging = mkdtempSync(`${pythonPath}.partial-`)
    try {
      execFileSync(
        python,
        [
          '-m',
          'pip',
          'install',
          '--quiet',
          '--disable-pip-version-check',
          '--no-deps',
          '--target',
          staging,
          ...STACK_PY_PACKAGES,
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      )
      try {
        renameSync(staging, pythonPath)
      } catch (error) {
        if (!existsSync(pythonPath)) throw error
      }
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
  }
  return { python, pythonPath }
}
