/**
 * Runs `node bin/scoreline.mjs …` as a child process and SIGKILLs it at a chosen point of its work.
 * The work starts when a marker file appears (the SQLite file an import creates, or the `-wal` file the
 * app database gets when the CLI opens it); the kill comes `delayMs` after that.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..')
export const SCORELINE_BIN = path.join(repoRoot, 'bin', 'scoreline.mjs')

export interface ChildOutcome {
  code: number | null
  signal: NodeJS.Signals | null
  killed: boolean
  stdout: string
  stderr: string
  /** ms from the marker appearing to the process ending (null if the marker never appeared). */
  workMs: number | null
  totalMs: number
}

/** The child's environment: nothing of ours (no service URLs) except PATH, plus `extra`. */
export function childEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, SCORELINE_LOG_LEVEL: 'warn', ...extra }
}

export function runScoreline(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: { marker?: string; killAfterMs?: number; timeoutMs?: number } = {},
): Promise<ChildOutcome> {
  const started = performance.now()
  const child = spawn(process.execPath, [SCORELINE_BIN, ...argv], {
    env,
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += String(c)))
  child.stderr.on('data', (c) => (stderr += String(c)))
  let markerAt: number | null = null
  let killed = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  let done = false
  void exited.then(() => (done = true))
  const watch = async () => {
    if (!options.marker) {
      // no marker: the delay counts from the start of the process
      if (options.killAfterMs === undefined) return
      await new Promise((r) => setTimeout(r, options.killAfterMs))
      if (!done) killed = child.kill('SIGKILL')
      return
    }
    while (!done && !existsSync(options.marker)) await new Promise((r) => setTimeout(r, 2))
    if (done) return
    markerAt = performance.now()
    if (options.killAfterMs === undefined) return
    await new Promise((r) => setTimeout(r, options.killAfterMs))
    if (!done) {
      killed = child.kill('SIGKILL')
    }
  }
  const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  return Promise.all([exited, watch()]).then(([{ code, signal }]) => {
    clearTimeout(timeout)
    const end = performance.now()
    return {
      code,
      signal,
      killed: killed && signal === 'SIGKILL',
      stdout,
      stderr,
      workMs: markerAt === null ? null : end - markerAt,
      totalMs: end - started,
    }
  })
}
