import type { Command } from '../framework'
import { infoCommand } from './info'
import { serveCommand } from './serve'

/** Every command of the `scoreline` CLI; later domains add theirs here. */
export const commands: Command[] = [infoCommand, serveCommand]
