import { APP_VERSION } from '../core/version'
import { commands } from './commands'
import { runCommand, type Command } from './framework'

export const rootCommand: Command = {
  name: 'scoreline',
  summary: `Scoreline ${APP_VERSION}: football probability models, tracking and features from the command line.`,
  usage: '<command> [options]',
  subcommands: commands,
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`${APP_VERSION}\n`)
    return 0
  }
  return runCommand(rootCommand, argv)
}
