import { fitDixonColes, toMatchArrays, type FittedModel } from '../../model/dixonColes'
import { currentLeagueTeams } from '../../model/dixonColes/currentTeams'
import { FEW_MATCHES, ratedOnLabel } from '../../../shared/modelReport'
import { UserError, type Command } from '../framework'
import {
  FIT_OPTIONS,
  fitOptionsFrom,
  fixed,
  median,
  parseNumber,
  playedMatches,
  readSeasonFiles,
  stringOption,
  table,
  warnAboutModel,
  writeTextFile,
} from './modelInput'

/** `scoreline fit --json`: a stable contract relied on by tooling (snake_case, no extra keys). */
export interface FitOutput {
  model: string
  as_of: string
  xi: number
  n_matches: number
  n_teams: number
  log_likelihood: number
  rho: number
  home_advantage: number
  teams: {
    team: string
    attack: number
    defence: number
    attack_se: number | null
    defence_se: number | null
    /** Matches the team played in the window; below 10 it is marked "rated on N matches" (#20). */
    matches: number
    /** Played in the latest season of the data: false for a team that left the league (hidden in the table). */
    current: boolean
  }[]
  iterations: number
  converged: boolean
  gradient_norm: number
  /** Wall time of the fit alone (not reading files); with --repeat N the median of N fits from scratch. */
  seconds: number
}

export function fitOutput(model: FittedModel, seconds: number, current?: ReadonlySet<string>): FitOutput {
  return {
    model: model.model,
    as_of: model.asOf,
    xi: model.xi,
    n_matches: model.nMatches,
    n_teams: model.nTeams,
    log_likelihood: model.logLikelihood,
    rho: model.rho,
    home_advantage: model.homeAdvantage,
    teams: model.teams.map((t) => ({
      team: t.name,
      attack: t.attack,
      defence: t.defence,
      attack_se: t.attackSe,
      defence_se: t.defenceSe,
      matches: t.matches,
      current: current ? current.has(t.name) : true,
    })),
    iterations: model.iterations,
    converged: model.converged,
    gradient_norm: model.gradientNorm,
    seconds,
  }
}

export const fitCommand: Command = {
  name: 'fit',
  summary: 'Fit a Dixon-Coles (or independent Poisson) model to football-data CSVs.',
  usage:
    '<csv...> [--as-of DATE] [--from DATE] [--xi X] [--model dixon-coles|poisson] [--repeat N] [--out model.json] [--json]',
  options: {
    ...FIT_OPTIONS,
    repeat: {
      type: 'string',
      description: 'Run the same fit N times from scratch and report the median seconds (timing)',
      valueName: 'n',
    },
    out: {
      type: 'string',
      description: 'Write the fitted model (JSON) for predict/explain --model',
      valueName: 'file',
    },
  },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new UserError('Give at least one football-data CSV file to fit.')
    const options = fitOptionsFrom(ctx)
    const repeat =
      parseNumber(stringOption(ctx, 'repeat'), 'repeat', { integer: true, min: 1, max: 100_000 }) ?? 1
    const data = await readSeasonFiles(ctx, ctx.positionals)
    const played = playedMatches(data.rows)
    const arrays = toMatchArrays(played)
    const times: number[] = []
    let model: FittedModel | undefined
    for (let i = 0; i < repeat; i++) {
      const t0 = performance.now()
      model = fitDixonColes(arrays, options)
      times.push((performance.now() - t0) / 1000)
    }
    const fitted = model as FittedModel
    warnAboutModel(ctx, fitted)
    const out = stringOption(ctx, 'out')
    if (out !== undefined) await writeTextFile(out, JSON.stringify(fitted, null, 2) + '\n')
    const current = currentLeagueTeams(played, fitted.asOf)
    ctx.output(fitOutput(fitted, median(times), current), (o: FitOutput) => renderFit(o, repeat, out))
    return 0
  },
}

function renderFit(o: FitOutput, repeat: number, out: string | undefined): string {
  const head = [
    `${o.model} fit as of ${o.as_of} (xi ${o.xi}/day): ${o.n_matches} matches, ${o.n_teams} teams`,
    `log-likelihood ${o.log_likelihood.toFixed(2)}   rho ${o.rho.toFixed(4)}   home advantage ${o.home_advantage.toFixed(3)} (x${Math.exp(o.home_advantage).toFixed(3)} goals)`,
    `${o.converged ? 'converged' : 'NOT converged'} in ${o.iterations} Newton steps, gradient norm ${o.gradient_norm.toExponential(1)}, ` +
      `${(o.seconds * 1000).toFixed(2)} ms${repeat > 1 ? ` (median of ${repeat})` : ''}`,
  ]
  if (out) head.push(`model written to ${out}`)
  // Strongest first: attack minus defensive weakness; the current league only (--json keeps every team).
  const teams = [...o.teams]
    .filter((t) => t.current)
    .sort((a, b) => b.attack - b.defence - (a.attack - a.defence))
  const left = o.teams.length - teams.length
  const rows = teams.map((t) => [
    t.team,
    fixed(t.attack),
    fixed(t.attack_se),
    fixed(t.defence),
    fixed(t.defence_se),
    ratedOnLabel(t.matches) ?? String(t.matches),
  ])
  const notes = [
    'defence: goals conceded, higher = leakier',
    ...(teams.some((t) => ratedOnLabel(t.matches))
      ? [`teams rated on fewer than ${FEW_MATCHES} matches are shrunk toward the promoted-team prior`]
      : []),
    ...(left > 0
      ? [`${left} team(s) not in the latest season (left the league) not shown; --json lists them`]
      : []),
  ]
  return (
    head.join('\n') +
    '\n\n' +
    table(['team', 'attack', '±se', 'defence', '±se', 'matches'], rows, ['l', 'r', 'r', 'r', 'r', 'r']) +
    notes.join('\n') +
    '\n'
  )
}
