import type { Command } from '../framework'
import { infoCommand } from './info'
import { serveCommand } from './serve'
import { fitCommand } from './fit'
import { predictCommand } from './predict'
import { backtestCommand } from './backtest'
import { compareModelsCommand } from './compareModels'
import { explainCommand } from './explain'
import { aliasCommand, dataCommand, dbCommand, downloadCommand, importCommand, syncCommand } from './data'
import { pipelineCommand } from './pipeline'
import { featuresCommand } from './features'
import { runsCommand } from './runs'
import { modelsCommand } from './models'

/** Every command of the `scoreline` CLI; later domains add theirs here. */
export const commands: Command[] = [
  infoCommand,
  serveCommand,
  importCommand,
  downloadCommand,
  syncCommand,
  dbCommand,
  aliasCommand,
  dataCommand,
  fitCommand,
  predictCommand,
  backtestCommand,
  compareModelsCommand,
  explainCommand,
  pipelineCommand,
  featuresCommand,
  runsCommand,
  modelsCommand,
]
