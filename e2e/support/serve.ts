import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM = process.env.SCORELINE_CHROMIUM ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Builds the app once per run (electron-vite: main, preload, renderer). */
export function buildApp(): void {
  if (
    process.env.SCORELINE_E2E_SKIP_BUILD === '1' &&
    existsSync(path.join(repoRoot, 'out/renderer/index.html'))
  )
    return
  execFileSync(
    process.execPath,
    [path.join(repoRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
    {
      cwd: repoRoot,
      stdio: 'pipe',
    },
  )
}

export interface Served {
  url: string
  origin: string
  token: string
  home: string
  process: ChildProcess
  stop(): Promise<void>
}

const SERVICE_ENV = /^(DATABASE_URL|REDIS_URL|MLFLOW_TRACKING_(URI|TOKEN|USERNAME|PASSWORD))$/

function withoutServiceEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SERVICE_ENV.test(k)))
}

/** Starts the real `scoreline serve` CLI as a child process and reads the URL it prints. */
export async function serve(env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'scoreline-e2e-'))
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/scoreline.mjs'), 'serve', '--json'], {
    cwd: repoRoot,
    // the developer's own service URLs and MLflow credentials never reach a test app (a pipeline run
    // would register scoreline-E0 on their server, #21): a test passes the ones it wants
    env: { ...withoutServiceEnv(process.env), SCORELINE_HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)))
  const line = await new Promise<string>((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => reject(new Error(`scoreline serve did not start: ${stderr}`)), 30_000)
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk)
      const newline = stdout.indexOf('\n')
      if (newline >= 0) {
        clearTimeout(timer)
        resolve(stdout.slice(0, newline))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`scoreline serve exited with ${code}: ${stderr}`))
    })
  })
  const { url } = JSON.parse(line) as { url: string }
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    home,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Calls one procedure of the served bridge with its token; throws the API's message when it fails. */
export function apiCaller(served: Pick<Served, 'origin' | 'token'>) {
  return async <T>(name: string, input: unknown): Promise<T> => {
    const response = await fetch(`${served.origin}/api/${name}`, {
      method: 'POST',
      headers: { 'x-scoreline-token': served.token, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    })
    const result = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } }
    if (!result.ok) throw new Error(`${name}: ${result.error?.message}`)
    return result.value as T
  }
}
