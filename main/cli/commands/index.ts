import type { Command } from '../framework'

/**
 * Every command of the `scoreline` CLI, by name and summary only: a command's module (and what it pulls
 * in: the zod contract, SQLite, the Postgres and Redis clients, the models) is imported when that
 * command runs or shows its help, so `scoreline --help` and a typo answer at once. Add a command as
 * `lazy('name', 'summary', () => import('./file').then((m) => m.theCommand))`; cli.test.ts checks that
 * the name and summary here are the loaded command's.
 */
function lazy(name: string, summary: string, load: () => Promise<Command>, hidden = false): Command {
  return { name, summary, usage: '', load, ...(hidden ? { hidden } : {}) }
}

export const commands: Command[] = [
  lazy('info', 'Show the version, the data folder and whether each backend is reachable.', () =>
    import('./info').then((m) => m.infoCommand),
  ),
  lazy('serve', 'Serve the app in a browser over a loopback bridge (headless boxes, end-to-end tests).', () =>
    import('./serve').then((m) => m.serveCommand),
  ),
  lazy(
    'data',
    'The local data cache: import, download, sync with the team Postgres, migrate, team aliases, status.',
    () => import('./data').then((m) => m.dataCommand),
  ),
  lazy('fit', 'Fit a Dixon-Coles (or independent Poisson) model to football-data CSVs.', () =>
    import('./fit').then((m) => m.fitCommand),
  ),
  lazy(
    'predict',
    'Predict fixtures (1X2, goals, both teams to score, likeliest scores) from a saved or freshly fitted model.',
    () => import('./predict').then((m) => m.predictCommand),
  ),
  lazy(
    'backtest',
    'Walk-forward backtest: refit before every match date, predict it, and score model, market, blend and calibrated forecasts.',
    () => import('./backtest').then((m) => m.backtestCommand),
  ),
  lazy(
    'compare-models',
    'Every goal-model variant walk-forward on the same matches: RPS, log loss, Brier, accuracy, ECE for model, blend and calibrated, against Pinnacle closing and pre-match, with paired bootstrap intervals.',
    () => import('./compareModels').then((m) => m.compareModelsCommand),
  ),
  lazy(
    'explain',
    'Explain fixture probabilities (Shapley contributions of each model ingredient) and analyse a jackpot coupon.',
    () => import('./explain').then((m) => m.explainCommand),
  ),
  lazy('pipeline', 'The training pipeline: run it, see its status and history, set its schedule.', () =>
    import('./pipeline').then((m) => m.pipelineCommand),
  ),
  lazy(
    'features',
    'Inspect the feature store (Redis or the local store) and rebuild its views from the champions.',
    () => import('./features').then((m) => m.featuresCommand),
  ),
  lazy(
    'runs',
    'Tracked training runs (MLflow or the local store): list, compare, outbox status and push.',
    () => import('./runs').then((m) => m.runsCommand),
  ),
  lazy(
    'models',
    'The model registry (one registered model per league, scoreline-E0; the variant is a version tag): champions and challengers, promote or roll back by hand, migrate old names.',
    () => import('./models').then((m) => m.modelsCommand),
  ),
  lazy(
    'fixtures',
    "Fixtures to come: download or import them with today's prices, list them, price them with each league's champion.",
    () => import('./fixtures').then((m) => m.fixturesCommand),
  ),
  // The spellings before everything about the cache moved under `data`: still accepted, not listed.
  lazy(
    'import',
    'Same as `scoreline data import`.',
    () => import('./data').then((m) => m.importCommand),
    true,
  ),
  lazy(
    'download',
    'Same as `scoreline data download`.',
    () => import('./data').then((m) => m.downloadCommand),
    true,
  ),
  lazy('sync', 'Same as `scoreline data sync`.', () => import('./data').then((m) => m.syncCommand), true),
  lazy(
    'db',
    'Same as `scoreline data migrate` (`db migrate`).',
    () => import('./data').then((m) => m.dbCommand),
    true,
  ),
  lazy('alias', 'Same as `scoreline data alias`.', () => import('./data').then((m) => m.aliasCommand), true),
]
