import { PassThrough } from 'node:stream'
import { rootCommand } from '../../main/cli/index'
import { runCommand, type Command } from '../../main/cli/framework'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the `scoreline` CLI in-process with captured output and the given environment only. */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  root: Command = rootCommand,
): Promise<CliResult> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: string[] = []
  const err: string[] = []
  stdout.on('data', (c) => out.push(String(c)))
  stderr.on('data', (c) => err.push(String(c)))
  const code = await runCommand(root, argv, { stdout, stderr, env })
  return { code, stdout: out.join(''), stderr: err.join('') }
}
